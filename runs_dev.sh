#!/usr/bin/env bash
# Development ablation: train on amy, validate on abjones (voices the model never heard).
set -e
L="--train-list data/dev-amy/train.txt --valid-list data/dev-amy/valid.txt --quiet"
.venv/bin/python train.py --recipe context --iterations 3000 --model-dir runs/dev-context --figure runs/dev-context.png $L
.venv/bin/python train.py --recipe seed --iterations 11000 --model-dir runs/dev-seed --figure runs/dev-seed.png $L
.venv/bin/python train.py --recipe context --no-augment --iterations 3000 --model-dir runs/dev-context-noaug --figure runs/dev-context-noaug.png $L
