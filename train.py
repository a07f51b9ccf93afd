"""Train the separation RNN on MIR-1K clips held in memory.

python train.py                      # the default recipe (see model.RECIPES)
python train.py --recipe seed        # Lei Mao's original recipe, exactly
python train.py --resume             # continue from model/checkpoint at its step
python train.py --members 2          # two models at once (seeds 0 and 1, the second in model/member-1)
python train.py --init-from DIR --train-list L --iterations N   # fine-tune DIR's model on other clips
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

from config import member_dir
from model import (DEFAULT_RECIPE, RECIPES, WEIGHTS_FILE, Config, align_lookahead, build_model, checkpoint_dir,
                   checkpoint_state, load_checkpoint, load_config, recipe_config, save_checkpoint, save_model,
                   separation_loss)
from preprocess import Augmentation, BatchSampler
from utils import SvsError, plot_training_curve, read_list, split_mixing

LOG_FILE = "train_log.csv"
DATA_DIR = Path("data/MIR1K")
SNAPSHOT_DIR = "snapshots"
NO_EMA_DIR = "no-ema"  # with --ema: the plain (not averaged) weights of the same run, for comparison
# the settings a model's weights depend on: a run started from another model's weights must share them
WEIGHT_SHAPING = ("n_fft", "num_layers", "hidden_size", "features", "head_skip", "lookahead")


def check_init_from(config: Config, init_from: Path) -> None:
    """A clear error unless `init_from` holds a model whose weights fit `config`'s network."""
    saved = load_config(init_from)
    if not (init_from / WEIGHTS_FILE).is_file():
        raise SvsError(f"--init-from {init_from}: no {WEIGHTS_FILE} there")
    differ = [f"{name} {getattr(saved, name)} there, {getattr(config, name)} here"
              for name in WEIGHT_SHAPING if getattr(saved, name) != getattr(config, name)]
    if differ:
        raise SvsError(f"--init-from {init_from}: that network differs from this one: " + "; ".join(differ))


def learning_rate_schedule(config: Config):
    """The learning rate: a number (constant) or a Keras schedule of the step (cosine, after `warmup`)."""
    import keras
    if config.lr_schedule == "constant":
        return config.learning_rate
    if config.lr_schedule != "cosine":
        raise SvsError(f"unknown lr_schedule {config.lr_schedule!r}: use constant or cosine")
    if config.warmup:  # linear from 0 to learning_rate, then the cosine over the remaining steps
        return keras.optimizers.schedules.CosineDecay(0.0, decay_steps=config.iterations - config.warmup, alpha=0.01,
                                                      warmup_target=config.learning_rate, warmup_steps=config.warmup)
    return keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=config.iterations, alpha=0.01)


def make_optimizer(config: Config):
    import keras
    learning_rate = learning_rate_schedule(config)
    # With `ema` the optimizer also keeps a moving average of the weights (Keras' use_ema, updated
    # after every step, the first step copying the weights); `save_trained_model` saves it.
    # With `clip_norm` Keras scales each step's gradients down to that global norm first.
    # With `weight_decay` wd each step also takes lr * wd of every trainable weight away (AdamW).
    return keras.optimizers.Adam(learning_rate, use_ema=config.ema > 0, ema_momentum=config.ema or 0.99,
                                 global_clipnorm=config.clip_norm or None, weight_decay=config.weight_decay or None)


def save_trained_model(model, optimizer, model_dir: Path) -> None:
    """`save_model`; with `ema` the saved weights are the optimizer's moving average of the
    weights, and the plain current weights go to model_dir/no-ema. Training goes on from the
    plain weights (the checkpoint keeps both)."""
    if not model.config.ema:
        save_model(model, model_dir)
        return
    save_model(model, model_dir / NO_EMA_DIR)
    current = [variable.numpy() for variable in model.trainable_variables]
    optimizer.finalize_variable_values(model.trainable_variables)  # the averages, into the weights
    try:
        save_model(model, model_dir)
    finally:
        for variable, value in zip(model.trainable_variables, current):
            variable.assign(value)


def make_train_step(model, optimizer, jit_compile: bool = False, keras_gru: bool = False):
    """One compiled optimiser step: (mixture, accompaniment, vocals, level[, keep]) -> loss, with the
    input level applied to the mixture the network hears (its masks still apply to the mixture)
    and the features multiplied by `keep` (batch, frames, bins) if given (frequency and time masking).
    By default the GRUs run as `model.training_masks` without XLA, the fastest of the four
    variants `benchmarks/train_step.py` times; `keras_gru` runs Keras' GRU layers instead."""
    import tensorflow as tf
    config = model.config

    @tf.function(jit_compile=jit_compile)
    def train_step(mixture, accompaniment, vocals, level, keep=None):
        with tf.GradientTape() as tape:
            heard = mixture * level[:, None, None]
            mask_a, mask_v = (model.masks(heard, training=True, keep=keep)[:2] if keras_gru
                              else model.training_masks(heard, keep))
            (mask_a, mask_v), (mixture, accompaniment, vocals) = align_lookahead(
                config.lookahead, (mask_a, mask_v), (mixture, accompaniment, vocals))
            loss = separation_loss(accompaniment, vocals, mask_a * mixture, mask_v * mixture,
                                   config.discriminative_weight, config.loss_power, config.normalise_loss)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    return train_step


def _truncate_log(path: Path, step: int) -> None:
    """Keep only the rows up to `step`, so a resumed run continues the log without duplicates."""
    if not path.exists():
        return
    with open(path, newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if int(row["step"]) <= step]
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["step", "train_loss", "valid_loss"])
        writer.writeheader()
        writer.writerows(rows)


def training_augmentation(config: Config) -> Augmentation | None:
    """The sampler's augmentation for `config`: every Augmentation field that config.json also has
    (voice_gain_db, remix_probability, ...) takes the config's value; None without `augment`."""
    if not config.augment:
        return None
    shared = {f.name for f in dataclasses.fields(Augmentation)} & {f.name for f in dataclasses.fields(Config)}
    return Augmentation(**{name: getattr(config, name) for name in shared})


def load_data(config: Config, train_files: list[Path], valid_files: list[Path],
              quiet: bool = False) -> tuple[BatchSampler, BatchSampler | None]:
    """The training clips (with the recipe's pitch-shifted and stretched versions) and the
    validation clips (None without any) as spectrograms in memory; says how much."""
    started = time.time()
    train_data = BatchSampler(train_files, mixing=config.mixing, n_fft=config.n_fft,
                              hop_length=config.hop_length, sample_rate=config.sample_rate, progress=not quiet,
                              pitch_shift=config.pitch_shift if config.augment else 0.0,
                              accompaniment_shift=config.accompaniment_shift if config.augment else 0.0,
                              pitch_formants=config.pitch_formants, pitch_steps=config.pitch_steps,
                              formant_follow=config.formant_follow,
                              time_stretch=config.time_stretch if config.augment else 0.0)
    valid_data = (BatchSampler(valid_files, mixing=config.mixing, n_fft=config.n_fft,
                               hop_length=config.hop_length, sample_rate=config.sample_rate)
                  if valid_files else None)
    held = train_data.nbytes + (valid_data.nbytes if valid_data else 0)
    print(f"data in memory: {len(train_files)} train clips ({train_data.num_frames} frames), "
          f"{len(valid_files)} valid clips, {held / 2**20:.0f} MiB of spectrograms "
          f"(loaded in {time.time() - started:.1f} s)")
    return train_data, valid_data


def progress_bar(iterations: int, step: int):
    """The training progress bar, from `step` of `iterations`, with the latest losses and an ETA."""
    import progressbar

    widgets = [progressbar.Percentage(), " ", progressbar.SimpleProgress(), " ", progressbar.Bar(), " ",
               progressbar.Variable("train", format="train {formatted_value}", precision=4), " ",
               progressbar.Variable("valid", format="valid {formatted_value}", precision=4), " ",
               progressbar.ETA()]
    return progressbar.ProgressBar(max_value=iterations, initial_value=min(step, iterations),
                                   widgets=widgets, redirect_stdout=True)


def train(config: Config, train_files: list[Path], valid_files: list[Path], model_dir: Path,
          resume: bool = False, figure: Path | None = None, quiet: bool = False, snapshot_every: int = 0,
          after_step: Callable[[], None] | None = None, init_from: Path | None = None) -> dict:
    """Run the training loop to `config.iterations`; returns the final state (step, losses, times).
    `init_from` (a model folder) starts a fresh run from that model's weights, its per-bin feature
    statistics included, with a new optimizer and learning-rate schedule: fine-tuning.
    `snapshot_every` N > 0 also keeps the model of every N-th step in model_dir/snapshots/step-N,
    for choosing a step afterwards by what evaluate.py measures. `after_step` is called after
    each logged step (train.py watches the other models trained at once with it)."""
    import tensorflow as tf

    if init_from is not None and not resume:
        check_init_from(config, init_from)
    model_dir.mkdir(parents=True, exist_ok=True)
    train_data, valid_data = load_data(config, train_files, valid_files, quiet)

    tf.keras.utils.set_random_seed(config.seed)
    model = build_model(config)
    optimizer = make_optimizer(config)
    rng = np.random.default_rng(config.seed)
    valid_rng = np.random.default_rng(config.seed + 1)
    step, cpu_seconds, wall_seconds = 0, 0.0, 0.0
    if resume:
        state = load_checkpoint(model, optimizer, model_dir)
        step, cpu_seconds, wall_seconds = state["step"], state["cpu_seconds"], state["wall_seconds"]
        rng.bit_generator.state = state["rng"]
        valid_rng.bit_generator.state = state["valid_rng"]
        print(f"resuming from step {step}")
    else:
        if (model_dir / "checkpoint").exists():
            print(f"starting afresh: replacing the model in {model_dir}")
        if init_from is not None:
            model.load_weights(init_from / WEIGHTS_FILE)
            print(f"starting from the weights of {init_from}")
        elif config.features == "log":
            model.set_feature_statistics(train_data.magnitude_frames())
    log_path = model_dir / LOG_FILE
    _truncate_log(log_path, step)
    if step >= config.iterations:
        print(f"already at step {step} >= --iterations {config.iterations}: nothing to do")

    augmentation = training_augmentation(config)

    train_step = make_train_step(model, optimizer)

    @tf.function(reduce_retracing=True)
    def valid_step(mixture, accompaniment, vocals):
        accompaniment_hat, vocals_hat = model(mixture)
        _, (accompaniment, vocals) = align_lookahead(config.lookahead, (), (accompaniment, vocals))
        return separation_loss(accompaniment, vocals, accompaniment_hat, vocals_hat,
                               config.discriminative_weight, config.loss_power, config.normalise_loss)

    def checkpoint() -> None:
        save_checkpoint(model, optimizer, model_dir, dict(
            step=step, cpu_seconds=cpu_seconds, wall_seconds=wall_seconds,
            rng=rng.bit_generator.state, valid_rng=valid_rng.bit_generator.state,
            train_files=[_portable(f) for f in train_files], valid_files=[_portable(f) for f in valid_files],
            **({} if init_from is None else dict(init_from=_portable(init_from)))))
        save_trained_model(model, optimizer, model_dir)
        if snapshot_every and step % snapshot_every == 0 and step:
            save_trained_model(model, optimizer, model_dir / SNAPSHOT_DIR / f"step-{step}")

    writer = tf.summary.create_file_writer(str(model_dir / "logs"))
    new_log = not log_path.exists()
    log_file = open(log_path, "a", newline="")
    log = csv.writer(log_file)
    if new_log:
        log.writerow(["step", "train_loss", "valid_loss"])
    bar = None if quiet else progress_bar(config.iterations, step)
    train_loss = valid_loss = float("nan")
    # Ctrl-C and `kill` ask the loop to stop after the step in progress, logged, so the checkpoint
    # and the log end at the same step (a signal between the two would leave the log behind)
    stop_requested = []
    handlers = {number: signal.signal(number, lambda signum, frame: stop_requested.append(signum))
                for number in (signal.SIGINT, signal.SIGTERM)}
    interrupted = False
    cpu_mark, wall_mark = time.process_time(), time.time()
    try:
        while step < config.iterations and not stop_requested:
            batch = train_data.sample(config.batch_size, config.frames, rng, augmentation,
                                      phase_sensitive=config.phase_sensitive)
            keep = (augmentation.input_keep(config.batch_size, config.frames, config.num_bins, rng)
                    if augmentation is not None else None)
            if keep is not None:
                batch = (*batch, keep)
            train_loss = float(train_step(*batch))
            step += 1
            valid_text = ""
            if valid_data is not None and step % config.validate_every == 0:
                mixture, accompaniment, vocals, _ = valid_data.sample(config.batch_size, config.frames, valid_rng,
                                                                      phase_sensitive=config.phase_sensitive)
                valid_loss = float(valid_step(mixture, accompaniment, vocals))
                valid_text = f"{valid_loss:.6g}"
                with writer.as_default():
                    tf.summary.scalar("valid_loss", valid_loss, step=step)
            log.writerow([step, f"{train_loss:.6g}", valid_text])
            log_file.flush()  # the log is never behind the run, even if it is killed
            if step % 50 == 0:
                with writer.as_default():
                    tf.summary.scalar("train_loss", train_loss, step=step)
            now_cpu, now_wall = time.process_time(), time.time()
            cpu_seconds += now_cpu - cpu_mark
            wall_seconds += now_wall - wall_mark
            cpu_mark, wall_mark = now_cpu, now_wall
            if step % config.checkpoint_every == 0:
                log_file.flush()
                checkpoint()
            if bar is not None:
                bar.update(step, train=train_loss, valid=valid_loss)
            if after_step is not None:
                after_step()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for number, handler in handlers.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        interrupted = interrupted or bool(stop_requested)
        log_file.close()
        if bar is not None:
            bar.finish(dirty=interrupted)
    checkpoint()
    if figure is not None and step > 0 and log_path.exists():
        plot_training_curve(log_path, figure)
    if interrupted:
        print(f"\ninterrupted: checkpoint saved at step {step}; continue with `python train.py --resume`")
        raise KeyboardInterrupt
    print(f"done: step {step}, train loss {train_loss:.5g}, valid loss {valid_loss:.5g}, "
        f"{wall_seconds / 60:.1f} min wall, {cpu_seconds / 60:.1f} CPU-min; model in {model_dir}")
    return dict(step=step, train_loss=train_loss, valid_loss=valid_loss,
                wall_seconds=wall_seconds, cpu_seconds=cpu_seconds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipe", default=DEFAULT_RECIPE, choices=sorted(RECIPES),
                        help=f"named set of defaults (default {DEFAULT_RECIPE}; 'seed' is the original)")
    parser.add_argument("--model-dir", type=Path, default=Path("model"), help="where the model and checkpoint go")
    parser.add_argument("--train-list", type=Path, default=DATA_DIR / "train.txt")
    parser.add_argument("--valid-list", type=Path, default=DATA_DIR / "valid.txt")
    parser.add_argument("--also-train-on-valid", action="store_true",
                        help="train on train + valid lists (for the final model; no validation loss)")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --model-dir")
    parser.add_argument("--init-from", type=Path, metavar="DIR",
                        help="start from the weights of the model in DIR (its network settings must match), "
                             "with a fresh optimizer and schedule: fine-tuning; with --members N, member K "
                             "starts from DIR/member-K")
    parser.add_argument("--figure", type=Path,
                        help="the training curve (default figures/training_loss.png for --model-dir model, "
                             "else MODEL_DIR/training_loss.png, so a trial run leaves the shipped figure alone)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--snapshot-every", type=int, default=0, metavar="N",
                        help="also keep the model of every N-th step (a multiple of --checkpoint-every) "
                             "in MODEL_DIR/snapshots/step-N")
    group = parser.add_argument_group("hyperparameters (override the recipe; saved in config.json)")
    for f in dataclasses.fields(Config):
        if f.name == "recipe":
            continue
        flag = "--" + f.name.replace("_", "-")
        kind = f.type if isinstance(f.type, str) else f.type.__name__
        how = (dict(action=argparse.BooleanOptionalAction) if kind == "bool"
               else dict(type={"int": int, "float": float, "str": str}[kind]))
        group.add_argument(flag, default=None, help=_recipe_defaults(f), **how)
    return parser


def _recipe_defaults(field: dataclasses.Field) -> str:
    """A flag's help: its value in each recipe, the default recipe first ('default 100 (context), 10 (seed)')."""
    def shown(value):
        return ("on" if value else "off") if isinstance(value, bool) else repr(value)
    values = {name: RECIPES[name].get(field.name, field.default)
              for name in sorted(RECIPES, key=lambda name: name != DEFAULT_RECIPE)}
    if len(set(values.values())) == 1:
        text = f"default {shown(field.default)} in every recipe"
    else:
        text = "default " + ", ".join(f"{shown(value)} ({name})" for name, value in values.items())
    if field.name == "mixing":
        text += "; a recipe that does not set it takes the split's rule from split.json beside --train-list"
    return text


def config_from_args(args: argparse.Namespace) -> Config:
    """On --resume the saved config wins (only --iterations may change); otherwise recipe + flags,
    with the mixing rule of the split written by download.py unless the recipe or a flag sets it."""
    overrides = {f.name: getattr(args, f.name) for f in dataclasses.fields(Config)
                 if f.name != "recipe" and getattr(args, f.name, None) is not None}
    if args.resume:
        config = load_config(checkpoint_dir(args.model_dir))
        if args.iterations is not None:
            config.iterations = args.iterations
        return config
    if "mixing" not in overrides and "mixing" not in RECIPES[args.recipe]:
        mixing = split_mixing(args.train_list)
        if mixing is not None:
            overrides["mixing"] = mixing
    return recipe_config(args.recipe, **overrides)


def _portable(path: Path) -> str:
    """A clip path for the checkpoint: relative to the working directory when it can be."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def member_arguments(config: Config, args: argparse.Namespace, index: int) -> list[str]:
    """train.py's arguments for member `index` (1..members-1) of an ensemble run: the same
    settings as `config` but one model, seed + index, in MODEL_DIR/member-INDEX, quiet, and
    resumed when that folder has a checkpoint."""
    member = dataclasses.replace(config, members=1, seed=config.seed + index)
    folder = member_dir(args.model_dir, index)
    arguments = ["--model-dir", str(folder), "--figure", str(folder / "training_loss.png"),
                 "--train-list", str(args.train_list), "--valid-list", str(args.valid_list),
                 "--snapshot-every", str(args.snapshot_every), "--quiet"]
    if args.also_train_on_valid:
        arguments.append("--also-train-on-valid")
    if args.init_from is not None:
        arguments += ["--init-from", str(member_dir(args.init_from, index))]
    if args.resume and (checkpoint_dir(folder) / "state.json").is_file():
        arguments.append("--resume")
    return arguments + config_flags(member)


def config_flags(config: Config) -> list[str]:
    """train.py's flags that give every setting of `config` (its recipe as --recipe)."""
    flags = ["--recipe", config.recipe]
    for name, value in config.to_json().items():
        if name == "recipe":
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            flags.append(flag if value else "--no-" + flag[2:])
        else:
            flags += [flag, str(value)]
    return flags


def start_members(config: Config, args: argparse.Namespace) -> list[tuple[Path, subprocess.Popen]]:
    """With `members` N > 1, start members 1..N-1 as train.py processes of their own, each in its
    own session (Ctrl-C reaches only this process, which then stops them in order) and writing
    its output to MODEL_DIR/member-K/train.out."""
    members = []
    for index in range(1, config.members):
        folder = member_dir(args.model_dir, index)
        folder.mkdir(parents=True, exist_ok=True)
        output = open(folder / "train.out", "a")
        print(f"member {index} (seed {config.seed + index}) trains at the same time in {folder}; "
              f"its output goes to {output.name}")
        process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()),
                                    *member_arguments(config, args, index)],
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        output.close()
        members.append((folder, process))
    return members


def stop_members(members: list[tuple[Path, subprocess.Popen]]) -> None:
    """Ask each member process to save a checkpoint and stop (SIGTERM, as `kill` does), and wait."""
    for _, process in members:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for folder, process in members:
        process.wait()
        print(f"{folder}: stopped (exit {process.returncode}); `--resume` continues it too")


def watch_members(members: list[tuple[Path, subprocess.Popen]]) -> Callable[[], None]:
    """A check to run after each training step: a member process that has stopped with an error
    is reported at once, with the end of its output, instead of when this process finishes (the
    others go on; finish_members still fails at the end)."""
    reported = set()

    def check() -> None:
        for folder, process in members:
            code = process.poll()
            if code and folder not in reported:
                reported.add(folder)
                output = folder / "train.out"
                lines = output.read_text(errors="replace").strip().splitlines()[-3:] if output.is_file() else []
                print(f"warning: {folder} stopped (exit {code}) while the others train on; the end of {output}:\n"
                      + "\n".join("    " + line for line in lines), flush=True)
    return check


def finish_members(members: list[tuple[Path, subprocess.Popen]]) -> None:
    """Wait for the member processes; an error names those that failed."""
    if any(process.poll() is None for _, process in members):
        print(f"waiting for {', '.join(str(folder) for folder, _ in members)} to finish")
    exits = [(folder, process.wait()) for folder, process in members]
    failed = [f"{folder} (exit {code}, see {folder / 'train.out'})" for folder, code in exits if code != 0]
    if failed:
        raise SvsError(f"{len(failed)} of the models trained at once failed: {'; '.join(failed)}; "
                       "once the cause is fixed, the same command with --resume finishes them")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.figure is None:
        args.figure = (Path("figures") if args.model_dir == Path("model") else args.model_dir) / "training_loss.png"
    terminate = signal.signal(signal.SIGTERM, _interrupt)  # `kill` saves a checkpoint too, like Ctrl-C
    try:
        saved = checkpoint_state(args.model_dir) if args.resume else {}  # a clear error when there is none
        config = config_from_args(args)
        saved_files = [[Path(f) for f in saved[key]] for key in ("train_files", "valid_files") if key in saved]
        if saved_files and all(f.is_file() for files in saved_files for f in files):
            # a resumed run goes on with the clips it started with, whatever the flags say
            train_files, valid_files = saved_files
            print(f"resuming with the checkpoint's clips: {len(train_files)} train, {len(valid_files)} valid")
        else:
            if saved_files:
                print("the checkpoint's clips are not all on this machine: using the clip lists given")
            train_files = read_list(args.train_list)
            valid_files = read_list(args.valid_list) if args.valid_list.exists() else []
            if args.also_train_on_valid:
                train_files, valid_files = train_files + valid_files, []
        print(f"recipe {config.recipe}: " + ", ".join(f"{k}={v}" for k, v in config.to_json().items()))
        if args.init_from is not None:
            if args.resume:
                raise SvsError("--init-from starts afresh: not with --resume (which goes on from the checkpoint)")
            for index in range(config.members):  # before any clip is loaded or member started
                check_init_from(config, member_dir(args.init_from, index) if index else args.init_from)
        if args.snapshot_every < 0 or (args.snapshot_every and args.snapshot_every % config.checkpoint_every):
            raise SvsError(f"--snapshot-every must be a multiple of checkpoint_every ({config.checkpoint_every})")
        members = start_members(config, args)
        try:
            train(config, train_files, valid_files, args.model_dir, resume=args.resume, figure=args.figure,
                  quiet=args.quiet, snapshot_every=args.snapshot_every, after_step=watch_members(members),
                  init_from=args.init_from)
        except BaseException:
            stop_members(members)
            raise
        finish_members(members)
    except SvsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, most often, while a checkpoint or the model is saved
        print(f"error: {error} (training into {args.model_dir})\n{_what_is_kept(args.model_dir)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        signal.signal(signal.SIGTERM, terminate)  # as it was: adapt.py calls this in its own process
    return 0


def _what_is_kept(model_dir: Path) -> str:
    try:
        step = checkpoint_state(model_dir)["step"]
    except (SvsError, KeyError):
        return f"no checkpoint was saved in {model_dir}"
    return (f"the last complete checkpoint, step {step}, is kept in {checkpoint_dir(model_dir)}: once the cause "
            "is fixed, the same command with --resume goes on from there")


if __name__ == "__main__":
    sys.exit(main())
