#!/usr/bin/env bash
# Singer-independent ablation (issue 4): train on amy, score on abjones, a voice never heard
# (runs named abjones-* go the other way: train on abjones, score on amy).
# Usage: bash experiments/ablation.sh [NAME...]   (default: every run below, in order)
#        RESUME=1 bash experiments/ablation.sh NAME  continues NAME's interrupted run from its checkpoint
#                                                    (and its interrupted scoring: evaluate.py --resume)
# Each run trains into runs/dev-NAME, scores the other singer into statistics/dev/NAME_* (its step, times
# and final training loss into NAME_run.json), and experiments/ablation_table.py prints the
# README's table from those files.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
ABLATION_PIN=$($PY -c "import sys; sys.path.insert(0, 'experiments'); import ablation_table; print(ablation_table.pin_flags())")
declare -A RUNS=(
  [seed]="--recipe seed --iterations 11000"
  [context]="--recipe context --iterations 3000 --pitch-shift 0"
  [context-pitch]="--recipe context --iterations 3000"
  [context-pitch-noaug]="--recipe context --iterations 3000 --no-augment"
  [context-pitch-disc]="--recipe context --iterations 3000 --discriminative-weight 0.05"
  [context-pitch6]="--recipe context --iterations 3000 --pitch-shift 6"
  [context-pitch-eq]="--recipe context --iterations 3000 --eq-db 6"
  [context-pitch-dropout]="--recipe context --iterations 3000 --dropout 0.2"
  [context-pitch-15k]="--recipe context --iterations 15000 --snapshot-every 3000"
  [context-pitch-frames200]="--recipe context --iterations 3000 --frames 200 --batch-size 8"
  [context-pitch-batch32]="--recipe context --iterations 3000 --batch-size 32"
  [context-pitch-lookahead6]="--recipe context --iterations 3000 --lookahead 6"
  [context-pitch-lookahead2]="--recipe context --iterations 3000 --lookahead 2"
  [context-pitch-accshift4]="--recipe context --iterations 3000 --accompaniment-shift 4"
  [context-pitch-rerun]="--recipe context --iterations 3000"  # context-pitch again, on another day and machine
  [context-pitch-seed1]="--recipe context --iterations 3000 --seed 1"
  [context-pitch-seed2]="--recipe context --iterations 3000 --seed 2"
  [context-pitch-projected]="--recipe context --iterations 3000"  # context-pitch again, GRUs as model.training_masks
  [context-pitch-disc-seed1]="--recipe context --iterations 3000 --discriminative-weight 0.05 --seed 1"
  [context-pitch-disc-seed2]="--recipe context --iterations 3000 --discriminative-weight 0.05 --seed 2"
  [context-pitch-power0.5]="--recipe context --iterations 3000 --loss-power 0.5"
  [context-pitch-power0.5-seed1]="--recipe context --iterations 3000 --loss-power 0.5 --seed 1"
  [context-pitch-power1.5]="--recipe context --iterations 3000 --loss-power 1.5"
  [context-pitch-power1.5-seed1]="--recipe context --iterations 3000 --loss-power 1.5 --seed 1"
  [context-pitch-lr2e-3]="--recipe context --iterations 3000 --learning-rate 2e-3"
  [context-pitch-lr2e-3-seed1]="--recipe context --iterations 3000 --learning-rate 2e-3 --seed 1"
  [context-pitch-lr5e-4]="--recipe context --iterations 3000 --learning-rate 5e-4"
  [context-pitch-lr5e-4-seed1]="--recipe context --iterations 3000 --learning-rate 5e-4 --seed 1"
  [context-pitch-20k]="--recipe context --iterations 20000"  # the longest run that fits the 2-hour bar
  [context-pitch-ema]="--recipe context --iterations 3000 --ema 0.999"
  [context-pitch-ema-seed1]="--recipe context --iterations 3000 --ema 0.999 --seed 1"
  [context-pitch-15k-clip5]="--recipe context --iterations 15000 --snapshot-every 3000 --clip-norm 5"
  [context-pitch-20k-clip5]="--recipe context --iterations 20000 --snapshot-every 5000 --clip-norm 5"
  [context-pitch-lr2e-3-clip5]="--recipe context --iterations 3000 --learning-rate 2e-3 --clip-norm 5"
  [abjones-seed]="--recipe seed --iterations 11000"
  [abjones-context-pitch]="--recipe context --iterations 3000"
  [abjones-context-pitch-seed1]="--recipe context --iterations 3000 --seed 1"
  [abjones-seed-seed1]="--recipe seed --iterations 11000 --seed 1"
  [context-pitch-normloss]="--recipe context --iterations 3000 --normalise-loss"
  [abjones-context-pitch-normloss]="--recipe context --iterations 3000 --normalise-loss"
  [context-pitch-formant4]="--recipe context --iterations 3000 --formant-shift 4"
  [abjones-context-pitch-formant4]="--recipe context --iterations 3000 --formant-shift 4"
  [context-pitch-both]="--recipe context --iterations 3000 --pitch-formants both"
  [abjones-context-pitch-both]="--recipe context --iterations 3000 --pitch-formants both"
  [context-pitch-formant4-seed1]="--recipe context --iterations 3000 --formant-shift 4 --seed 1"
  [abjones-context-pitch-formant4-seed1]="--recipe context --iterations 3000 --formant-shift 4 --seed 1"
  [abjones-context-pitch-seed2]="--recipe context --iterations 3000 --seed 2"
  [context-pitch-seed3]="--recipe context --iterations 3000 --seed 3"
  [abjones-context-pitch6]="--recipe context --iterations 3000 --pitch-shift 6"
  [abjones-context-pitch6-seed1]="--recipe context --iterations 3000 --pitch-shift 6 --seed 1"
  [abjones-context-pitch6-seed2]="--recipe context --iterations 3000 --pitch-shift 6 --seed 2"
  [abjones-context-pitch8]="--recipe context --iterations 3000 --pitch-shift 8"
  [abjones-context-pitch8-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --seed 1"
  [abjones-context-pitch10]="--recipe context --iterations 3000 --pitch-shift 10"
  [abjones-context-pitch8-seed2]="--recipe context --iterations 3000 --pitch-shift 8 --seed 2"
  [context-pitch8]="--recipe context --iterations 3000 --pitch-shift 8"
  [context-pitch8-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --seed 1"
  [abjones-context-pitch8-steps4]="--recipe context --iterations 3000 --pitch-shift 8 --pitch-steps 4"
  [abjones-context-pitch8-steps4-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --pitch-steps 4 --seed 1"
  [context-pitch8-15k]="--recipe context --iterations 15000 --snapshot-every 3000 --pitch-shift 8"  # the shipped length
  [abjones-context-pitch8-15k]="--recipe context --iterations 15000 --pitch-shift 8"
  [abjones-context-pitch8-stretch20]="--recipe context --iterations 3000 --pitch-shift 8 --time-stretch 0.2"
  [abjones-context-pitch8-dropout]="--recipe context --iterations 3000 --pitch-shift 8 --dropout 0.2"
  [abjones-context-pitch8-disc]="--recipe context --iterations 3000 --pitch-shift 8 --discriminative-weight 0.05"
  [abjones-context-pitch8-disc-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --discriminative-weight 0.05 --seed 1"
  [context-pitch8-disc]="--recipe context --iterations 3000 --pitch-shift 8 --discriminative-weight 0.05"
  [context-pitch8-disc-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --discriminative-weight 0.05 --seed 1"
  [abjones-context-pitch8-stretch20-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --time-stretch 0.2 --seed 1"
  [context-pitch8-stretch20]="--recipe context --iterations 3000 --pitch-shift 8 --time-stretch 0.2"
  [abjones-context-pitch8-remix1]="--recipe context --iterations 3000 --pitch-shift 8 --remix-probability 1"
  [context-pitch8-remix1]="--recipe context --iterations 3000 --pitch-shift 8 --remix-probability 1"
  [abjones-context-pitch8-remix0]="--recipe context --iterations 3000 --pitch-shift 8 --remix-probability 0"  # never remixed:
  [abjones-context-pitch8-remix0-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --remix-probability 0 --seed 1"  # each window's
  [context-pitch8-remix0]="--recipe context --iterations 3000 --pitch-shift 8 --remix-probability 0"  # vocals and accompaniment
  [context-pitch8-remix0-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --remix-probability 0 --seed 1"  # from one clip
  [abjones-context-pitch8-acc2]="--recipe context --iterations 3000 --pitch-shift 8 --second-accompaniment 0.5"  # half the
  [abjones-context-pitch8-acc2-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --second-accompaniment 0.5 --seed 1"  # windows'
  [context-pitch8-acc2]="--recipe context --iterations 3000 --pitch-shift 8 --second-accompaniment 0.5"  # accompaniments summed
  [context-pitch8-acc2-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --second-accompaniment 0.5 --seed 1"  # with another clip's
  [abjones-context-pitch8-follow0.3]="--recipe context --iterations 3000 --pitch-shift 8 --formant-follow 0.3"  # formants
  [abjones-context-pitch8-follow0.3-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --formant-follow 0.3 --seed 1"  # move
  [context-pitch8-follow0.3]="--recipe context --iterations 3000 --pitch-shift 8 --formant-follow 0.3"  # 0.3 of
  [context-pitch8-follow0.3-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --formant-follow 0.3 --seed 1"  # the pitch shift
  [abjones-context-pitch8-psa]="--recipe context --iterations 3000 --pitch-shift 8 --phase-sensitive"
  [context-pitch8-psa]="--recipe context --iterations 3000 --pitch-shift 8 --phase-sensitive"
  [abjones-context-pitch8-psa-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --phase-sensitive --seed 1"
  [context-pitch8-psa-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --phase-sensitive --seed 1"
  [context-pitch8-seed2]="--recipe context --iterations 3000 --pitch-shift 8 --seed 2"  # third seeds, after the decision
  [context-pitch8-psa-seed2]="--recipe context --iterations 3000 --pitch-shift 8 --phase-sensitive --seed 2"
  [abjones-context-pitch8-psa-seed2]="--recipe context --iterations 3000 --pitch-shift 8 --phase-sensitive --seed 2"
  [context-pitch8-15k-psa]="--recipe context --iterations 15000 --snapshot-every 3000 --pitch-shift 8 --phase-sensitive"  # against context-pitch8-15k
  [abjones-context-pitch8-fmask32]="--recipe context --iterations 3000 --pitch-shift 8 --frequency-mask 32"
  [context-pitch8-fmask32]="--recipe context --iterations 3000 --pitch-shift 8 --frequency-mask 32"
  [abjones-context-pitch8-wd0.1]="--recipe context --iterations 3000 --pitch-shift 8 --weight-decay 0.1"
  [context-pitch8-wd0.1]="--recipe context --iterations 3000 --pitch-shift 8 --weight-decay 0.1"
  [abjones-context-pitch8-wd0.1-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --weight-decay 0.1 --seed 1"
  [context-pitch8-wd0.1-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --weight-decay 0.1 --seed 1"
  [context-pitch8-15k-wd0.1]="--recipe context --iterations 15000 --snapshot-every 3000 --pitch-shift 8 --weight-decay 0.1"  # against context-pitch8-15k
  [context-pitch8-15k-seed1]="--recipe context --iterations 15000 --snapshot-every 3000 --pitch-shift 8 --seed 1"  # run-to-run spread at full length
  [context-pitch8-15k-clip5]="--recipe context --iterations 15000 --snapshot-every 3000 --pitch-shift 8 --clip-norm 5"  # against context-pitch8-15k
  [abjones-context-pitch8-frames200]="--recipe context --iterations 3000 --pitch-shift 8 --frames 200 --batch-size 8"  # from abjones, the steadier direction
  [abjones-context-pitch8-lr5e-4]="--recipe context --iterations 3000 --pitch-shift 8 --learning-rate 5e-4"
  [abjones-context-pitch8-accshift4]="--recipe context --iterations 3000 --pitch-shift 8 --accompaniment-shift 4"  # abjones' few songs, more keys
  [abjones-context-pitch8-accshift4-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --accompaniment-shift 4 --seed 1"
  [context-pitch8-15k-seed2]="--recipe context --iterations 15000 --snapshot-every 3000 --pitch-shift 8 --seed 2"  # four seeds at full length
  [context-pitch8-15k-seed3]="--recipe context --iterations 15000 --snapshot-every 3000 --pitch-shift 8 --seed 3"
  [context-pitch-15k-seed1]="--recipe context --iterations 15000 --snapshot-every 3000 --seed 1"  # +-4 at full length, second seed
  [abjones-context-pitch8-tmask10]="--recipe context --iterations 3000 --pitch-shift 8 --time-mask 10"  # SpecAugment's time masking
  [abjones-context-pitch8-tmask10-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --time-mask 10 --seed 1"
  [context-pitch-15k-seed2]="--recipe context --iterations 15000 --snapshot-every 3000 --seed 2"  # +-4 at full length, third seed
  [abjones-context-pitch-15k]="--recipe context --iterations 15000"  # +-4 at full length from abjones, against abjones-context-pitch8-15k
  [context-pitch-15k-seed3]="--recipe context --iterations 15000 --snapshot-every 3000 --seed 3"  # +-4 at full length, fourth seed
  [abjones-context-pitch8-frames50]="--recipe context --iterations 3000 --pitch-shift 8 --frames 50 --batch-size 32"  # shorter windows, same frames per step
  [abjones-context-pitch8-frames50-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --frames 50 --batch-size 32 --seed 1"
  [context-pitch8-frames50]="--recipe context --iterations 3000 --pitch-shift 8 --frames 50 --batch-size 32"
  [context-pitch8-frames50-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --frames 50 --batch-size 32 --seed 1"
  [abjones-context-pitch8-batch8]="--recipe context --iterations 3000 --pitch-shift 8 --batch-size 8"  # half the batch, half the CPU time a step
  [abjones-context-pitch8-batch8-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --batch-size 8 --seed 1"
  [context-pitch8-batch8]="--recipe context --iterations 3000 --pitch-shift 8 --batch-size 8"
  [context-pitch8-batch8-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --batch-size 8 --seed 1"
  [abjones-context-pitch8-rev50]="--recipe context --iterations 3000 --pitch-shift 8 --reverse-probability 0.5"  # half the windows backwards
  [context-pitch8-rev50]="--recipe context --iterations 3000 --pitch-shift 8 --reverse-probability 0.5"
  [context-pitch8-warmup500]="--recipe context --iterations 3000 --pitch-shift 8 --warmup 500"  # learning rate from 0 over 500 steps
  [context-pitch8-warmup500-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --warmup 500 --seed 1"
  [abjones-context-pitch8-warmup500]="--recipe context --iterations 3000 --pitch-shift 8 --warmup 500"
  [abjones-context-pitch8-warmup500-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --warmup 500 --seed 1"
  [abjones-context-pitch8-vgain0]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 0"  # 0 dB mixes only, as scored
  [abjones-context-pitch8-vgain10]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 10"  # voice level +-10 dB
  [context-pitch8-vgain0]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 0"
  [context-pitch8-vgain10]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 10"
  [abjones-context-pitch8-vgain0-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 0 --seed 1"
  [context-pitch8-vgain0-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 0 --seed 1"
  [abjones-context-pitch8-vgain10-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 10 --seed 1"
  [context-pitch8-vgain10-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 10 --seed 1"  # seed 0 stalled
  [context-pitch8-vgain10-clip5]="--recipe context --iterations 3000 --pitch-shift 8 --voice-gain-db 10 --clip-norm 5"  # stalled runs again, clipped
  [abjones-context-pitch8-batch8-seed1-clip5]="--recipe context --iterations 3000 --pitch-shift 8 --batch-size 8 --seed 1 --clip-norm 5"
  [context-pitch8-10k-seed1]="--recipe context --iterations 10000 --pitch-shift 8 --seed 1"  # three 10k runs in the time of two 15k runs (context-pitch8-15k-seed1 to -seed3)
  [context-pitch8-10k-seed2]="--recipe context --iterations 10000 --pitch-shift 8 --seed 2"
  [context-pitch8-10k-seed3]="--recipe context --iterations 10000 --pitch-shift 8 --seed 3"
  [abjones-context-pitch8-10k-seed1]="--recipe context --iterations 10000 --pitch-shift 8 --seed 1"  # the same from abjones
  [abjones-context-pitch8-10k-seed2]="--recipe context --iterations 10000 --pitch-shift 8 --seed 2"
  [abjones-context-pitch8-10k-seed3]="--recipe context --iterations 10000 --pitch-shift 8 --seed 3"
  [abjones-context-pitch8-15k-seed1]="--recipe context --iterations 15000 --pitch-shift 8 --seed 1"  # the 15k pair to set them against
  [abjones-context-pitch8-15k-seed2]="--recipe context --iterations 15000 --pitch-shift 8 --seed 2"
  [abjones-context-pitch8-15k-seed3]="--recipe context --iterations 15000 --pitch-shift 8 --seed 3"  # a third seed at each length from abjones
  [abjones-context-pitch8-skip]="--recipe context --iterations 3000 --pitch-shift 8 --head-skip"  # heads hear the input too
  [abjones-context-pitch8-skip-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --head-skip --seed 1"
  [context-pitch8-skip]="--recipe context --iterations 3000 --pitch-shift 8 --head-skip"
  [context-pitch8-skip-seed1]="--recipe context --iterations 3000 --pitch-shift 8 --head-skip --seed 1"
  [abjones-context-pitch8-skip-seed2]="--recipe context --iterations 3000 --pitch-shift 8 --head-skip --seed 2"  # third seeds
  [context-pitch8-skip-seed2]="--recipe context --iterations 3000 --pitch-shift 8 --head-skip --seed 2"
  [abjones-context-pitch8-15k-skip-seed1]="--recipe context --iterations 15000 --pitch-shift 8 --head-skip --seed 1"  # at the shipped length
  [context-pitch8-15k-skip-seed1]="--recipe context --iterations 15000 --pitch-shift 8 --head-skip --seed 1"
  [seed-50k]="--recipe seed --snapshot-every 10000"  # Lei Mao's recipe at its own 50,000 iterations
  [abjones-seed-50k]="--recipe seed --snapshot-every 10000"
)
# inference-only variants of a trained run: NAME -> "RUN evaluate.py-flags" (RUN may name a folder inside one)
declare -A POST=(
  [context-pitch8-rev50-views2-wiener1.5]="context-pitch8-rev50 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-rev50-views2-wiener1.5]="abjones-context-pitch8-rev50 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch-ema-plain]="context-pitch-ema/no-ema"  # the same run's weights without the average
  [context-pitch-ema-seed1-plain]="context-pitch-ema-seed1/no-ema"
  [context-pitch-rerun-input-12]="context-pitch-rerun --gain-db -12"  # the input level the network hears
  [context-pitch-rerun-input+6]="context-pitch-rerun --gain-db 6"
  [context-pitch-rerun-input-6]="context-pitch-rerun --gain-db -6"
  [context-pitch-rerun-input-18]="context-pitch-rerun --gain-db -18"
  [context-pitch-rerun-input-45]="context-pitch-rerun --gain-db -45"  # far below the levels it trained on
  [context-pitch-20k-input-12]="context-pitch-20k --gain-db -12"
  [context-pitch-seed1-input-12]="context-pitch-seed1 --gain-db -12"
  [context-pitch-seed2-input-12]="context-pitch-seed2 --gain-db -12"
  [context-pitch-wiener2]="context-pitch --mask-power 2"
  [context-pitch-wiener1.5]="context-pitch --mask-power 1.5"
  [context-pitch-wiener0.8]="context-pitch --mask-power 0.8"
  [abjones-context-pitch8-views1]="abjones-context-pitch8 --pitch-views -1 1"  # test-time pitch views
  [abjones-context-pitch8-views2]="abjones-context-pitch8 --pitch-views -2 2"
  [abjones-context-pitch8-views12]="abjones-context-pitch8 --pitch-views -2 -1 1 2"
  [abjones-context-pitch8-seed1-views1]="abjones-context-pitch8-seed1 --pitch-views -1 1"
  [abjones-context-pitch8-seed1-views2]="abjones-context-pitch8-seed1 --pitch-views -2 2"
  [abjones-context-pitch8-seed1-views12]="abjones-context-pitch8-seed1 --pitch-views -2 -1 1 2"
  [context-pitch8-views1]="context-pitch8 --pitch-views -1 1"
  [context-pitch8-views2]="context-pitch8 --pitch-views -2 2"
  [context-pitch8-views12]="context-pitch8 --pitch-views -2 -1 1 2"
  [context-pitch8-seed1-views1]="context-pitch8-seed1 --pitch-views -1 1"
  [context-pitch8-seed1-views2]="context-pitch8-seed1 --pitch-views -2 2"
  [context-pitch8-seed1-views12]="context-pitch8-seed1 --pitch-views -2 -1 1 2"
  [context-pitch8-views2-wiener1.5]="context-pitch8 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-remix0-views2-wiener1.5]="abjones-context-pitch8-remix0 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-remix0-seed1-views2-wiener1.5]="abjones-context-pitch8-remix0-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-remix0-views2-wiener1.5]="context-pitch8-remix0 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-remix0-seed1-views2-wiener1.5]="context-pitch8-remix0-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-acc2-views2-wiener1.5]="abjones-context-pitch8-acc2 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-acc2-seed1-views2-wiener1.5]="abjones-context-pitch8-acc2-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-acc2-views2-wiener1.5]="context-pitch8-acc2 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-acc2-seed1-views2-wiener1.5]="context-pitch8-acc2-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-follow0.3-views2-wiener1.5]="abjones-context-pitch8-follow0.3 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-follow0.3-seed1-views2-wiener1.5]="abjones-context-pitch8-follow0.3-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-follow0.3-views2-wiener1.5]="context-pitch8-follow0.3 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-follow0.3-seed1-views2-wiener1.5]="context-pitch8-follow0.3-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-seed1-views2-wiener1.5]="context-pitch8-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-views2-wiener1.5]="abjones-context-pitch8 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-seed1-views2-wiener1.5]="abjones-context-pitch8-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-wiener1.5]="context-pitch8 --mask-power 1.5"  # the post-filter alone, same models
  [context-pitch8-seed1-wiener1.5]="context-pitch8-seed1 --mask-power 1.5"
  [abjones-context-pitch8-wiener1.5]="abjones-context-pitch8 --mask-power 1.5"
  [abjones-context-pitch8-seed1-wiener1.5]="abjones-context-pitch8-seed1 --mask-power 1.5"
  [abjones-context-pitch8-seed2-views2-wiener1.5]="abjones-context-pitch8-seed2 --pitch-views -2 2 --mask-power 1.5"  # a model not looked at
  [abjones-context-pitch8-seed2-wiener1.5]="abjones-context-pitch8-seed2 --mask-power 1.5"
  [context-pitch-15k-clip5-views2-wiener1.5]="context-pitch-15k-clip5 --pitch-views -2 2 --mask-power 1.5"  # full length
  [context-pitch-20k-clip5-views2-wiener1.5]="context-pitch-20k-clip5 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-views2-wiener1.5]="context-pitch8-15k --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-views2-wiener1.5]="abjones-context-pitch8-15k --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-views1-wiener1.5]="context-pitch8-15k --pitch-views -1 1 --mask-power 1.5"  # other view sets
  [context-pitch8-15k-views24-wiener1.5]="context-pitch8-15k --pitch-views -4 -2 2 4 --mask-power 1.5"
  [context-pitch8-15k-views4-wiener1.5]="context-pitch8-15k --pitch-views -4 4 --mask-power 1.5"
  [context-pitch8-15k-views246-wiener1.5]="context-pitch8-15k --pitch-views -6 -4 -2 2 4 6 --mask-power 1.5"
  [context-pitch-15k-clip5-views24-wiener1.5]="context-pitch-15k-clip5 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [context-pitch-15k-clip5-views4-wiener1.5]="context-pitch-15k-clip5 --pitch-views -4 4 --mask-power 1.5"
  [context-pitch-20k-clip5-views4-wiener1.5]="context-pitch-20k-clip5 --pitch-views -4 4 --mask-power 1.5"
  [abjones-context-pitch8-15k-views4-wiener1.5]="abjones-context-pitch8-15k --pitch-views -4 4 --mask-power 1.5"
  [abjones-context-pitch8-views4-wiener1.5]="abjones-context-pitch8 --pitch-views -4 4 --mask-power 1.5"
  [abjones-context-pitch8-seed1-views4-wiener1.5]="abjones-context-pitch8-seed1 --pitch-views -4 4 --mask-power 1.5"
  [abjones-context-pitch8-seed2-views4-wiener1.5]="abjones-context-pitch8-seed2 --pitch-views -4 4 --mask-power 1.5"
  [context-pitch8-15k-views2-wiener1.25]="context-pitch8-15k --pitch-views -2 2 --mask-power 1.25"  # other post-filter powers
  [context-pitch-15k-clip5-views2-wiener1.25]="context-pitch-15k-clip5 --pitch-views -2 2 --mask-power 1.25"
  [context-pitch-20k-clip5-views2-wiener1.25]="context-pitch-20k-clip5 --pitch-views -2 2 --mask-power 1.25"
  [abjones-context-pitch8-15k-views2-wiener1.25]="abjones-context-pitch8-15k --pitch-views -2 2 --mask-power 1.25"
  [context-pitch8-15k-views2-wiener2]="context-pitch8-15k --pitch-views -2 2 --mask-power 2"
  [context-pitch-15k-clip5-views2-wiener2]="context-pitch-15k-clip5 --pitch-views -2 2 --mask-power 2"
  [context-pitch-20k-clip5-views2-wiener2]="context-pitch-20k-clip5 --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-15k-views2-wiener2]="abjones-context-pitch8-15k --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-views2-wiener2]="abjones-context-pitch8 --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-seed1-views2-wiener2]="abjones-context-pitch8-seed1 --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-seed2-views2-wiener2]="abjones-context-pitch8-seed2 --pitch-views -2 2 --mask-power 2"
  [context-pitch8-views2-wiener2]="context-pitch8 --pitch-views -2 2 --mask-power 2"
  [context-pitch8-seed1-views2-wiener2]="context-pitch8-seed1 --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-views3-wiener1.5]="abjones-context-pitch8 --pitch-views -3 3 --mask-power 1.5"
  [abjones-context-pitch8-seed1-views3-wiener1.5]="abjones-context-pitch8-seed1 --pitch-views -3 3 --mask-power 1.5"
  [abjones-context-pitch8-seed2-views3-wiener1.5]="abjones-context-pitch8-seed2 --pitch-views -3 3 --mask-power 1.5"
  [abjones-context-pitch8-15k-views3-wiener1.5]="abjones-context-pitch8-15k --pitch-views -3 3 --mask-power 1.5"
  [context-pitch8-views3-wiener1.5]="context-pitch8 --pitch-views -3 3 --mask-power 1.5"
  [context-pitch8-seed1-views3-wiener1.5]="context-pitch8-seed1 --pitch-views -3 3 --mask-power 1.5"
  [context-pitch-15k-clip5-views3-wiener1.5]="context-pitch-15k-clip5 --pitch-views -3 3 --mask-power 1.5"
  [context-pitch8-15k-views3-wiener1.5]="context-pitch8-15k --pitch-views -3 3 --mask-power 1.5"
  [context-pitch-20k-clip5-views3-wiener1.5]="context-pitch-20k-clip5 --pitch-views -3 3 --mask-power 1.5"
  [abjones-context-pitch8-disc-views2-wiener1.5]="abjones-context-pitch8-disc --pitch-views -2 2 --mask-power 1.5"  # the default views on this session's options
  [abjones-context-pitch8-disc-seed1-views2-wiener1.5]="abjones-context-pitch8-disc-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-stretch20-views2-wiener1.5]="abjones-context-pitch8-stretch20 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-stretch20-seed1-views2-wiener1.5]="abjones-context-pitch8-stretch20-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-disc-views2-wiener1.5]="context-pitch8-disc --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-disc-seed1-views2-wiener1.5]="context-pitch8-disc-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-stretch20-views2-wiener1.5]="context-pitch8-stretch20 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-psa-views2-wiener1.5]="abjones-context-pitch8-psa --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-psa-views2-wiener1.5]="context-pitch8-psa --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-psa-seed1-views2-wiener1.5]="abjones-context-pitch8-psa-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-psa-seed1-views2-wiener1.5]="context-pitch8-psa-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-seed2-views2-wiener1.5]="context-pitch8-seed2 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-psa-seed2-views2-wiener1.5]="context-pitch8-psa-seed2 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-psa-seed2-views2-wiener1.5]="abjones-context-pitch8-psa-seed2 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-psa-step-3000]="context-pitch8-15k-psa/snapshots/step-3000"  # while the run goes on (its end scores them again)
  [context-pitch8-15k-psa-step-6000]="context-pitch8-15k-psa/snapshots/step-6000"
  [context-pitch8-15k-psa-step-9000]="context-pitch8-15k-psa/snapshots/step-9000"
  [abjones-context-pitch8-wd0.1-views2-wiener1.5]="abjones-context-pitch8-wd0.1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-wd0.1-views2-wiener1.5]="context-pitch8-wd0.1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-wd0.1-seed1-views2-wiener1.5]="abjones-context-pitch8-wd0.1-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-wd0.1-seed1-views2-wiener1.5]="context-pitch8-wd0.1-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-wd0.1-step-3000]="context-pitch8-15k-wd0.1/snapshots/step-3000"  # while the run goes on
  [context-pitch8-15k-wd0.1-step-6000]="context-pitch8-15k-wd0.1/snapshots/step-6000"
  [context-pitch8-15k-wd0.1-step-9000]="context-pitch8-15k-wd0.1/snapshots/step-9000"
  [context-pitch8-15k-wd0.1-step-12000]="context-pitch8-15k-wd0.1/snapshots/step-12000"
  [context-pitch8-15k-wd0.1-views2-wiener1.5]="context-pitch8-15k-wd0.1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seed2-views2-wiener1.5]="context-pitch8-15k-seed2 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seed3-views2-wiener1.5]="context-pitch8-15k-seed3 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seed1-views2-wiener1.5]="context-pitch8-15k-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-clip5-views2-wiener1.5]="context-pitch8-15k-clip5 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seed1-views4-wiener1.5]="context-pitch8-15k-seed1 --pitch-views -4 4 --mask-power 1.5"  # wider views, second seed
  [context-pitch8-15k-seed1-views24-wiener1.5]="context-pitch8-15k-seed1 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [context-pitch-15k-seed1-views2-wiener1.5]="context-pitch-15k-seed1 --pitch-views -2 2 --mask-power 1.5"  # +-4 seeds, the default views
  [context-pitch-15k-seed2-views2-wiener1.5]="context-pitch-15k-seed2 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch-15k-views2-wiener1.5]="abjones-context-pitch-15k --pitch-views -2 2 --mask-power 1.5"
  [context-pitch-15k-seed3-views2-wiener1.5]="context-pitch-15k-seed3 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-10k-seed1-views2-wiener1.5]="context-pitch8-10k-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-10k-seed2-views2-wiener1.5]="context-pitch8-10k-seed2 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-10k-seed3-views2-wiener1.5]="context-pitch8-10k-seed3 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-10k-seed1-views2-wiener1.5]="abjones-context-pitch8-10k-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-10k-seed2-views2-wiener1.5]="abjones-context-pitch8-10k-seed2 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-10k-seed3-views2-wiener1.5]="abjones-context-pitch8-10k-seed3 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seed1-views2-wiener1.5]="abjones-context-pitch8-15k-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seed2-views2-wiener1.5]="abjones-context-pitch8-15k-seed2 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seed3-views2-wiener1.5]="abjones-context-pitch8-15k-seed3 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seed1-views24-wiener1.5]="abjones-context-pitch8-15k-seed1 --pitch-views -4 -2 2 4 --mask-power 1.5"  # the wide view set from abjones, where only -4 +4 had been tried
  [abjones-context-pitch8-15k-seed2-views24-wiener1.5]="abjones-context-pitch8-15k-seed2 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [abjones-context-pitch8-15k-seed3-views24-wiener1.5]="abjones-context-pitch8-15k-seed3 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [abjones-context-pitch8-10k-seed1-views24-wiener1.5]="abjones-context-pitch8-10k-seed1 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [abjones-context-pitch8-10k-seed2-views24-wiener1.5]="abjones-context-pitch8-10k-seed2 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [abjones-context-pitch8-10k-seed3-views24-wiener1.5]="abjones-context-pitch8-10k-seed3 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [context-pitch8-10k-seed1-views24-wiener1.5]="context-pitch8-10k-seed1 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [context-pitch8-10k-seed2-views24-wiener1.5]="context-pitch8-10k-seed2 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [context-pitch8-10k-seed3-views24-wiener1.5]="context-pitch8-10k-seed3 --pitch-views -4 -2 2 4 --mask-power 1.5"
  [abjones-context-pitch8-skip-views2-wiener1.5]="abjones-context-pitch8-skip --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-skip-seed1-views2-wiener1.5]="abjones-context-pitch8-skip-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-skip-views2-wiener1.5]="context-pitch8-skip --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-skip-seed1-views2-wiener1.5]="context-pitch8-skip-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-skip-seed2-views2-wiener1.5]="abjones-context-pitch8-skip-seed2 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-skip-seed2-views2-wiener1.5]="context-pitch8-skip-seed2 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-skip-seed1-views2-wiener1.5]="abjones-context-pitch8-15k-skip-seed1 --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-skip-seed1-views2-wiener1.5]="context-pitch8-15k-skip-seed1 --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seed1-views2-wiener2]="abjones-context-pitch8-15k-seed1 --pitch-views -2 2 --mask-power 2"  # the members of the pairs' power-2 rows (ensembles.sh)
  [abjones-context-pitch8-15k-seed2-views2-wiener2]="abjones-context-pitch8-15k-seed2 --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-15k-seed3-views2-wiener2]="abjones-context-pitch8-15k-seed3 --pitch-views -2 2 --mask-power 2"
  [context-pitch8-10k-seed1-views2-wiener2]="context-pitch8-10k-seed1 --pitch-views -2 2 --mask-power 2"
  [context-pitch8-10k-seed2-views2-wiener2]="context-pitch8-10k-seed2 --pitch-views -2 2 --mask-power 2"
  [context-pitch8-10k-seed3-views2-wiener2]="context-pitch8-10k-seed3 --pitch-views -2 2 --mask-power 2"
)
ORDER=(seed context context-pitch context-pitch-noaug context-pitch-disc context-pitch6 context-pitch-eq context-pitch-dropout
       context-pitch-15k context-pitch-frames200 context-pitch-batch32 context-pitch-lookahead6
       context-pitch-lookahead2 context-pitch-accshift4 context-pitch-rerun context-pitch-seed1
       context-pitch-seed2 context-pitch-projected context-pitch-disc-seed1 context-pitch-disc-seed2
       context-pitch-power0.5 context-pitch-power0.5-seed1 context-pitch-power1.5 context-pitch-power1.5-seed1
       context-pitch-lr2e-3 context-pitch-lr2e-3-seed1 context-pitch-lr5e-4 context-pitch-lr5e-4-seed1
       context-pitch-20k context-pitch-ema context-pitch-ema-plain context-pitch-ema-seed1 context-pitch-ema-seed1-plain
       context-pitch-wiener2 context-pitch-wiener1.5 context-pitch-wiener0.8
       context-pitch-rerun-input-12 context-pitch-rerun-input+6 context-pitch-seed1-input-12 context-pitch-seed2-input-12
       context-pitch-rerun-input-6 context-pitch-rerun-input-18 context-pitch-rerun-input-45
       context-pitch-20k-input-12 context-pitch-15k-clip5 context-pitch-20k-clip5
       context-pitch-lr2e-3-clip5 abjones-seed abjones-context-pitch
       abjones-context-pitch-seed1 abjones-seed-seed1 context-pitch-normloss abjones-context-pitch-normloss
       context-pitch-formant4 abjones-context-pitch-formant4 context-pitch-both abjones-context-pitch-both
       context-pitch-formant4-seed1 abjones-context-pitch-formant4-seed1 abjones-context-pitch-seed2 context-pitch-seed3
       abjones-context-pitch6 abjones-context-pitch6-seed1 abjones-context-pitch6-seed2
       abjones-context-pitch8 abjones-context-pitch8-seed1 abjones-context-pitch10
       abjones-context-pitch8-seed2 context-pitch8 abjones-context-pitch8-steps4 abjones-context-pitch8-steps4-seed1
       context-pitch8-seed1 context-pitch8-15k
       context-pitch8-views1 context-pitch8-views2 context-pitch8-views12
       context-pitch8-seed1-views1 context-pitch8-seed1-views2 context-pitch8-seed1-views12
       abjones-context-pitch8-views1 abjones-context-pitch8-views2 abjones-context-pitch8-views12
       abjones-context-pitch8-seed1-views1 abjones-context-pitch8-seed1-views2 abjones-context-pitch8-seed1-views12
       context-pitch8-views2-wiener1.5 context-pitch8-seed1-views2-wiener1.5
       abjones-context-pitch8-views2-wiener1.5 abjones-context-pitch8-seed1-views2-wiener1.5
       context-pitch8-wiener1.5 context-pitch8-seed1-wiener1.5 abjones-context-pitch8-wiener1.5
       abjones-context-pitch8-seed1-wiener1.5 abjones-context-pitch8-seed2-views2-wiener1.5
       abjones-context-pitch8-seed2-wiener1.5 context-pitch-15k-clip5-views2-wiener1.5
       context-pitch-20k-clip5-views2-wiener1.5 context-pitch8-15k-views2-wiener1.5
       abjones-context-pitch8-15k abjones-context-pitch8-15k-views2-wiener1.5
       context-pitch8-15k-views1-wiener1.5 context-pitch8-15k-views24-wiener1.5
       context-pitch8-15k-views4-wiener1.5 context-pitch8-15k-views246-wiener1.5
       context-pitch-15k-clip5-views24-wiener1.5 context-pitch-15k-clip5-views4-wiener1.5
       context-pitch-20k-clip5-views4-wiener1.5 abjones-context-pitch8-15k-views4-wiener1.5
       abjones-context-pitch8-views4-wiener1.5 abjones-context-pitch8-seed1-views4-wiener1.5
       abjones-context-pitch8-seed2-views4-wiener1.5
       context-pitch8-15k-views2-wiener1.25 context-pitch-15k-clip5-views2-wiener1.25
       context-pitch-20k-clip5-views2-wiener1.25 abjones-context-pitch8-15k-views2-wiener1.25
       context-pitch8-15k-views2-wiener2 context-pitch-15k-clip5-views2-wiener2
       context-pitch-20k-clip5-views2-wiener2 abjones-context-pitch8-15k-views2-wiener2
       abjones-context-pitch8-views2-wiener2 abjones-context-pitch8-seed1-views2-wiener2
       abjones-context-pitch8-seed2-views2-wiener2 context-pitch8-views2-wiener2 context-pitch8-seed1-views2-wiener2
       abjones-context-pitch8-views3-wiener1.5 abjones-context-pitch8-seed1-views3-wiener1.5
       abjones-context-pitch8-seed2-views3-wiener1.5 abjones-context-pitch8-15k-views3-wiener1.5
       context-pitch8-views3-wiener1.5 context-pitch8-seed1-views3-wiener1.5
       context-pitch-15k-clip5-views3-wiener1.5 context-pitch8-15k-views3-wiener1.5
       context-pitch-20k-clip5-views3-wiener1.5 abjones-context-pitch8-stretch20 abjones-context-pitch8-dropout
       abjones-context-pitch8-disc abjones-context-pitch8-disc-seed1 context-pitch8-disc context-pitch8-disc-seed1
       abjones-context-pitch8-stretch20-seed1 context-pitch8-stretch20
       abjones-context-pitch8-disc-views2-wiener1.5 abjones-context-pitch8-disc-seed1-views2-wiener1.5 abjones-context-pitch8-stretch20-views2-wiener1.5 abjones-context-pitch8-stretch20-seed1-views2-wiener1.5
       context-pitch8-disc-views2-wiener1.5 context-pitch8-disc-seed1-views2-wiener1.5 context-pitch8-stretch20-views2-wiener1.5
       abjones-context-pitch8-remix1 context-pitch8-remix1
       abjones-context-pitch8-psa context-pitch8-psa abjones-context-pitch8-psa-seed1 context-pitch8-psa-seed1
       abjones-context-pitch8-psa-views2-wiener1.5 context-pitch8-psa-views2-wiener1.5
       abjones-context-pitch8-psa-seed1-views2-wiener1.5 context-pitch8-psa-seed1-views2-wiener1.5
       context-pitch8-seed2 context-pitch8-psa-seed2 abjones-context-pitch8-psa-seed2
       context-pitch8-seed2-views2-wiener1.5 context-pitch8-psa-seed2-views2-wiener1.5
       abjones-context-pitch8-psa-seed2-views2-wiener1.5 context-pitch8-15k-psa-step-3000 context-pitch8-15k-psa-step-6000
       context-pitch8-15k-psa-step-9000 context-pitch8-15k-psa
       abjones-context-pitch8-fmask32 context-pitch8-fmask32 abjones-context-pitch8-wd0.1 context-pitch8-wd0.1
       abjones-context-pitch8-wd0.1-seed1 context-pitch8-wd0.1-seed1
       abjones-context-pitch8-wd0.1-views2-wiener1.5 context-pitch8-wd0.1-views2-wiener1.5
       abjones-context-pitch8-wd0.1-seed1-views2-wiener1.5 context-pitch8-wd0.1-seed1-views2-wiener1.5
       context-pitch8-15k-wd0.1 context-pitch8-15k-wd0.1-step-3000 context-pitch8-15k-wd0.1-step-6000
       context-pitch8-15k-wd0.1-step-9000 context-pitch8-15k-wd0.1-step-12000 context-pitch8-15k-wd0.1-views2-wiener1.5
       context-pitch8-15k-seed1 context-pitch8-15k-clip5
       context-pitch8-15k-seed1-views2-wiener1.5 context-pitch8-15k-clip5-views2-wiener1.5
       context-pitch8-15k-seed1-views4-wiener1.5 context-pitch8-15k-seed1-views24-wiener1.5
       abjones-context-pitch8-frames200 abjones-context-pitch8-lr5e-4
       abjones-context-pitch8-accshift4 abjones-context-pitch8-accshift4-seed1
       context-pitch8-15k-seed2 context-pitch8-15k-seed3
       context-pitch8-15k-seed2-views2-wiener1.5 context-pitch8-15k-seed3-views2-wiener1.5
       context-pitch-15k-seed1 abjones-context-pitch8-tmask10 abjones-context-pitch8-tmask10-seed1
       context-pitch-15k-seed2 context-pitch-15k-seed1-views2-wiener1.5 context-pitch-15k-seed2-views2-wiener1.5
       abjones-context-pitch-15k abjones-context-pitch-15k-views2-wiener1.5
       context-pitch-15k-seed3 context-pitch-15k-seed3-views2-wiener1.5
       abjones-context-pitch8-frames50 abjones-context-pitch8-frames50-seed1
       context-pitch8-frames50 context-pitch8-frames50-seed1
       abjones-context-pitch8-batch8 abjones-context-pitch8-batch8-seed1
       context-pitch8-batch8 context-pitch8-batch8-seed1
       abjones-context-pitch8-rev50 context-pitch8-rev50
       abjones-context-pitch8-rev50-views2-wiener1.5 context-pitch8-rev50-views2-wiener1.5
       context-pitch8-warmup500 context-pitch8-warmup500-seed1
       abjones-context-pitch8-warmup500 abjones-context-pitch8-warmup500-seed1
       abjones-context-pitch8-vgain0 abjones-context-pitch8-vgain10 context-pitch8-vgain0 context-pitch8-vgain10
       abjones-context-pitch8-vgain0-seed1 context-pitch8-vgain0-seed1
       abjones-context-pitch8-vgain10-seed1 context-pitch8-vgain10-seed1
       context-pitch8-vgain10-clip5 abjones-context-pitch8-batch8-seed1-clip5
       context-pitch8-10k-seed1 context-pitch8-10k-seed2 context-pitch8-10k-seed3
       context-pitch8-10k-seed1-views2-wiener1.5 context-pitch8-10k-seed2-views2-wiener1.5 context-pitch8-10k-seed3-views2-wiener1.5
       abjones-context-pitch8-10k-seed1 abjones-context-pitch8-10k-seed2 abjones-context-pitch8-10k-seed3
       abjones-context-pitch8-10k-seed1-views2-wiener1.5 abjones-context-pitch8-10k-seed2-views2-wiener1.5
       abjones-context-pitch8-10k-seed3-views2-wiener1.5 abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed2
       abjones-context-pitch8-15k-seed1-views2-wiener1.5 abjones-context-pitch8-15k-seed2-views2-wiener1.5
       abjones-context-pitch8-15k-seed3 abjones-context-pitch8-15k-seed3-views2-wiener1.5
       abjones-context-pitch8-15k-seed1-views24-wiener1.5 abjones-context-pitch8-15k-seed2-views24-wiener1.5 abjones-context-pitch8-15k-seed3-views24-wiener1.5
       abjones-context-pitch8-10k-seed1-views24-wiener1.5 abjones-context-pitch8-10k-seed2-views24-wiener1.5 abjones-context-pitch8-10k-seed3-views24-wiener1.5
       context-pitch8-10k-seed1-views24-wiener1.5 context-pitch8-10k-seed2-views24-wiener1.5 context-pitch8-10k-seed3-views24-wiener1.5
       abjones-context-pitch8-skip abjones-context-pitch8-skip-seed1 context-pitch8-skip context-pitch8-skip-seed1
       abjones-context-pitch8-skip-views2-wiener1.5 abjones-context-pitch8-skip-seed1-views2-wiener1.5 context-pitch8-skip-views2-wiener1.5 context-pitch8-skip-seed1-views2-wiener1.5
       abjones-context-pitch8-skip-seed2 context-pitch8-skip-seed2 abjones-context-pitch8-skip-seed2-views2-wiener1.5 context-pitch8-skip-seed2-views2-wiener1.5
       abjones-context-pitch8-15k-skip-seed1 context-pitch8-15k-skip-seed1 abjones-context-pitch8-15k-skip-seed1-views2-wiener1.5
       context-pitch8-15k-skip-seed1-views2-wiener1.5
       abjones-context-pitch8-15k-seed1-views2-wiener2 abjones-context-pitch8-15k-seed2-views2-wiener2 abjones-context-pitch8-15k-seed3-views2-wiener2
       context-pitch8-10k-seed1-views2-wiener2 context-pitch8-10k-seed2-views2-wiener2 context-pitch8-10k-seed3-views2-wiener2
       seed-50k abjones-seed-50k
       abjones-context-pitch8-remix0 abjones-context-pitch8-remix0-seed1 context-pitch8-remix0 context-pitch8-remix0-seed1
       abjones-context-pitch8-remix0-views2-wiener1.5 abjones-context-pitch8-remix0-seed1-views2-wiener1.5
       context-pitch8-remix0-views2-wiener1.5 context-pitch8-remix0-seed1-views2-wiener1.5
       abjones-context-pitch8-acc2 abjones-context-pitch8-acc2-seed1 context-pitch8-acc2 context-pitch8-acc2-seed1
       abjones-context-pitch8-acc2-views2-wiener1.5 abjones-context-pitch8-acc2-seed1-views2-wiener1.5
       context-pitch8-acc2-views2-wiener1.5 context-pitch8-acc2-seed1-views2-wiener1.5
       abjones-context-pitch8-follow0.3 abjones-context-pitch8-follow0.3-seed1 context-pitch8-follow0.3 context-pitch8-follow0.3-seed1
       abjones-context-pitch8-follow0.3-views2-wiener1.5 abjones-context-pitch8-follow0.3-seed1-views2-wiener1.5
       context-pitch8-follow0.3-views2-wiener1.5 context-pitch8-follow0.3-seed1-views2-wiener1.5)
split_of() {  # split_of NAME: abjones-* runs train on abjones (43 clips) and score amy's 132
  case $1 in abjones-*) echo dev-abjones ;; *) echo dev-amy ;; esac
}
lists() {  # lists SPLIT: data/SPLIT/{train,valid}.txt from MIR-1K, when missing
  [ -f data/$1/train.txt ] || $PY download.py --source "${MIR1K:-../shared/mir1k}" --split $1 --output data/$1
}
score() {  # score SPLIT MODEL_DIR NAME [evaluate.py flags]: BSS Eval on the unheard singer's clips
  local split=$1 model_dir=$2 name=$3
  shift 3
  $PY evaluate.py --list data/$split/valid.txt --model-dir "$model_dir" --output-dir statistics/dev \
    --name "$name" --quiet ${RESUME:+--resume} "$@"
}
for name in "$@"; do  # every name first, before any work
  [[ -v RUNS[$name] || -v POST[$name] ]] || { echo "unknown name $name: see RUNS and POST in $0" >&2; exit 2; }
done
for name in "${@:-${ORDER[@]}}"; do
  if [ -n "${POST[$name]:-}" ]; then
    set -- ${POST[$name]}
    run=$1; shift
    split=$(split_of $run)
    lists $split
    score $split runs/dev-$run $name "$@"
    continue
  fi
  split=$(split_of $name)
  lists $split
  # scored with the input as recorded and the network's own mask, as every row was before
  # input_gain_db, view_shift, mask_power and repet_weight existed (the -input-G, -viewsS and
  # -wienerP rows measure the first three; a run's own flags, after these, win); and the context
  # recipe as it was while these runs were made: vocals shifted by up to +-4 semitones (now +-8),
  # one model (now two)
  pin=""
  case "${RUNS[$name]}" in *"--recipe context"*) pin="$ABLATION_PIN" ;; esac
  $PY train.py --input-gain-db 0 --view-shift 0 --mask-power 1 --repet-weight 0 $pin ${RUNS[$name]} ${RESUME:+--resume} --model-dir runs/dev-$name --figure runs/dev-$name.png --quiet \
    --train-list data/$split/train.txt --valid-list data/$split/valid.txt
  $PY experiments/ablation_table.py --record $name
  score $split runs/dev-$name $name
  last=$($PY -c "import json, sys; print(json.load(open(sys.argv[1]))['step'])" runs/dev-$name/checkpoint/state.json)
  for snapshot in runs/dev-$name/snapshots/step-*; do  # earlier steps of the same run (--snapshot-every)
    [ -d "$snapshot" ] && [ "${snapshot##*/}" != "step-$last" ] || continue  # the last step is the run's own row
    score $split "$snapshot" "$name-${snapshot##*/}"
  done
done
$PY experiments/ablation_table.py
