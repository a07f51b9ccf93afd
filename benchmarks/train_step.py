"""Benchmark one training step of a recipe on this machine: the GRU variants and XLA.

python benchmarks/train_step.py                    # the default recipe, four variants
python benchmarks/train_step.py --json statistics/train_step.json

Times train.make_train_step on random batches of the recipe's shape (batch x frames x 513 bins),
after warm-up steps, for Keras' GRU layers and the projected GRU loop that train.py uses
(`model.training_masks`), each with and without XLA. The rounds alternate the variants, so a
slow spell of a shared machine falls on all of them; the median of each variant's rounds is
reported. Batch sampling and logging, which the step time leaves out, come on top in a real run.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = {  # name -> make_train_step flags
    "Keras GRU, XLA": dict(keras_gru=True, jit_compile=True),
    "Keras GRU": dict(keras_gru=True, jit_compile=False),
    "projected GRU, XLA": dict(keras_gru=False, jit_compile=True),
    "projected GRU (train.py)": dict(keras_gru=False, jit_compile=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipe", default=None, help="training recipe (default: train.py's default)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    from model import DEFAULT_RECIPE, build_model, keras, recipe_config
    from train import make_train_step

    config = recipe_config(args.recipe or DEFAULT_RECIPE)
    rng = np.random.default_rng(0)
    shape = (config.batch_size, config.frames, config.num_bins)
    batch = [np.abs(rng.standard_normal(shape)).astype(np.float32) for _ in range(3)]
    batch.append(np.ones(config.batch_size, np.float32))
    steps = {}
    for name, flags in VARIANTS.items():
        model = build_model(config)
        steps[name] = make_train_step(model, keras.optimizers.Adam(config.learning_rate), **flags)
        for _ in range(3):  # trace, compile, warm up
            steps[name](*batch).numpy()
    seconds = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name, step in steps.items():
            started = time.perf_counter()
            for _ in range(args.steps):
                step(*batch).numpy()
            seconds[name].append((time.perf_counter() - started) / args.steps)
    result = {"recipe": config.recipe, "batch": list(shape), "cpu_count": os.cpu_count(),
              "seconds per step (median of rounds)": {n: round(statistics.median(s), 4) for n, s in seconds.items()},
              "rounds": {n: [round(x, 4) for x in s] for n, s in seconds.items()}}
    reference = statistics.median(seconds["Keras GRU, XLA"])
    for name, times in seconds.items():
        median = statistics.median(times)
        print(f"{name:28s} {median * 1000:7.1f} ms/step   {reference / median:4.2f}x the Keras GRU with XLA")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
