#!/usr/bin/env bash
# Ensembles of the ablation's runs (issue 4): evaluate.py with --model-dir given once per member, so
# each clip's vocals mask is the mean of the members' masks; scored on the same unheard singer as
# the members, into statistics/ensembles/NAME_*. The members must exist (bash experiments/ablation.sh RUN).
# Flags after " -- " in an entry go to evaluate.py (e.g. pitch views: each view's mask is the members' mean).
# Usage: bash experiments/ensembles.sh [NAME...]   (default: every ensemble below;
#        RESUME=1 in front: an interrupted scoring goes on with evaluate.py --resume), then
#        python experiments/ablation_table.py --ensembles   (the README's ensemble table)
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;; esac
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
declare -A ENSEMBLES=(  # NAME -> members, as runs/dev-MEMBER (abjones-* score amy, the rest abjones)
  [abjones-context-pitch-x3]="abjones-context-pitch abjones-context-pitch-seed1 abjones-context-pitch-seed2"
  [abjones-context-pitch6-x3]="abjones-context-pitch6 abjones-context-pitch6-seed1 abjones-context-pitch6-seed2"
  [context-pitch-x4]="context-pitch-rerun context-pitch-seed1 context-pitch-seed2 context-pitch-seed3"
  [context-pitch-15k-clip5-last3]="context-pitch-15k-clip5/snapshots/step-9000 context-pitch-15k-clip5/snapshots/step-12000 context-pitch-15k-clip5"
  [abjones-context-pitch8-psa-x2]="abjones-context-pitch8-psa abjones-context-pitch8-psa-seed1"
  [abjones-context-pitch8-disc-x2]="abjones-context-pitch8-disc abjones-context-pitch8-disc-seed1"
  [abjones-context-pitch8-stretch20-x2]="abjones-context-pitch8-stretch20 abjones-context-pitch8-stretch20-seed1"
  [context-pitch8-psa-x2]="context-pitch8-psa context-pitch8-psa-seed1"
  [abjones-context-pitch8-psa-x2-views2-wiener1.5]="abjones-context-pitch8-psa abjones-context-pitch8-psa-seed1 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-disc-x2-views2-wiener1.5]="abjones-context-pitch8-disc abjones-context-pitch8-disc-seed1 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-stretch20-x2-views2-wiener1.5]="abjones-context-pitch8-stretch20 abjones-context-pitch8-stretch20-seed1 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-psa-x2-views2-wiener1.5]="context-pitch8-psa context-pitch8-psa-seed1 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seeds123-x3]="context-pitch8-15k-seed1 context-pitch8-15k-seed2 context-pitch8-15k-seed3"  # full length (seed 0's weights are gone)
  [context-pitch8-15k-seeds123-x3-views2-wiener1.5]="context-pitch8-15k-seed1 context-pitch8-15k-seed2 context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seeds12-x2]="context-pitch8-15k-seed1 context-pitch8-15k-seed2"  # two runs, as fit the 2-hour bar side by side
  [context-pitch8-15k-seeds12-x2-views2-wiener1.5]="context-pitch8-15k-seed1 context-pitch8-15k-seed2 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seeds13-x2]="context-pitch8-15k-seed1 context-pitch8-15k-seed3"
  [context-pitch8-15k-seeds13-x2-views2-wiener1.5]="context-pitch8-15k-seed1 context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-15k-seeds23-x2]="context-pitch8-15k-seed2 context-pitch8-15k-seed3"
  [context-pitch8-15k-seeds23-x2-views2-wiener1.5]="context-pitch8-15k-seed2 context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-10k-seeds123-x3]="context-pitch8-10k-seed1 context-pitch8-10k-seed2 context-pitch8-10k-seed3"  # three 10k runs: the training time of two 15k runs
  [context-pitch8-10k-seeds123-x3-views2-wiener1.5]="context-pitch8-10k-seed1 context-pitch8-10k-seed2 context-pitch8-10k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-10k-seeds123-x3]="abjones-context-pitch8-10k-seed1 abjones-context-pitch8-10k-seed2 abjones-context-pitch8-10k-seed3"
  [abjones-context-pitch8-10k-seeds123-x3-views2-wiener1.5]="abjones-context-pitch8-10k-seed1 abjones-context-pitch8-10k-seed2 abjones-context-pitch8-10k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seeds12-x2]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed2"  # against the 10k three
  [abjones-context-pitch8-15k-seeds12-x2-views2-wiener1.5]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed2 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seeds123-x3]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed2 abjones-context-pitch8-15k-seed3"  # a third model at 15k
  [abjones-context-pitch8-15k-seeds123-x3-views2-wiener1.5]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed2 abjones-context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seeds13-x2]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed3"
  [abjones-context-pitch8-15k-seeds13-x2-views2-wiener1.5]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seeds23-x2]="abjones-context-pitch8-15k-seed2 abjones-context-pitch8-15k-seed3"
  [abjones-context-pitch8-15k-seeds23-x2-views2-wiener1.5]="abjones-context-pitch8-15k-seed2 abjones-context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-seeds12-x2-views2-wiener2]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed2 -- --pitch-views -2 2 --mask-power 2"  # the post-filter for pairs: power 2 against 1.5
  [abjones-context-pitch8-15k-seeds13-x2-views2-wiener2]="abjones-context-pitch8-15k-seed1 abjones-context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-15k-seeds23-x2-views2-wiener2]="abjones-context-pitch8-15k-seed2 abjones-context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 2"
  [context-pitch8-10k-seeds12-x2-views2-wiener1.5]="context-pitch8-10k-seed1 context-pitch8-10k-seed2 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-10k-seeds12-x2-views2-wiener2]="context-pitch8-10k-seed1 context-pitch8-10k-seed2 -- --pitch-views -2 2 --mask-power 2"
  [context-pitch8-10k-seeds13-x2-views2-wiener1.5]="context-pitch8-10k-seed1 context-pitch8-10k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-10k-seeds13-x2-views2-wiener2]="context-pitch8-10k-seed1 context-pitch8-10k-seed3 -- --pitch-views -2 2 --mask-power 2"
  [context-pitch8-10k-seeds23-x2-views2-wiener1.5]="context-pitch8-10k-seed2 context-pitch8-10k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
  [context-pitch8-10k-seeds23-x2-views2-wiener2]="context-pitch8-10k-seed2 context-pitch8-10k-seed3 -- --pitch-views -2 2 --mask-power 2"
  [abjones-context-pitch8-15k-skip1-plain1-x2]="abjones-context-pitch8-15k-skip-seed1 abjones-context-pitch8-15k-seed1"  # mixed pairs: a head-skip run with a plain one (diversity)
  [abjones-context-pitch8-15k-skip1-plain1-x2-views2-wiener1.5]="abjones-context-pitch8-15k-skip-seed1 abjones-context-pitch8-15k-seed1 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-skip1-plain2-x2]="abjones-context-pitch8-15k-skip-seed1 abjones-context-pitch8-15k-seed2"
  [abjones-context-pitch8-15k-skip1-plain2-x2-views2-wiener1.5]="abjones-context-pitch8-15k-skip-seed1 abjones-context-pitch8-15k-seed2 -- --pitch-views -2 2 --mask-power 1.5"
  [abjones-context-pitch8-15k-skip1-plain3-x2]="abjones-context-pitch8-15k-skip-seed1 abjones-context-pitch8-15k-seed3"
  [abjones-context-pitch8-15k-skip1-plain3-x2-views2-wiener1.5]="abjones-context-pitch8-15k-skip-seed1 abjones-context-pitch8-15k-seed3 -- --pitch-views -2 2 --mask-power 1.5"
)
ORDER=(abjones-context-pitch-x3 context-pitch-x4 context-pitch-15k-clip5-last3 abjones-context-pitch6-x3
       abjones-context-pitch8-psa-x2 abjones-context-pitch8-disc-x2 abjones-context-pitch8-stretch20-x2 context-pitch8-psa-x2
       abjones-context-pitch8-psa-x2-views2-wiener1.5 abjones-context-pitch8-disc-x2-views2-wiener1.5
       abjones-context-pitch8-stretch20-x2-views2-wiener1.5 context-pitch8-psa-x2-views2-wiener1.5
       context-pitch8-15k-seeds123-x3 context-pitch8-15k-seeds123-x3-views2-wiener1.5
       context-pitch8-15k-seeds12-x2 context-pitch8-15k-seeds12-x2-views2-wiener1.5
       context-pitch8-15k-seeds13-x2 context-pitch8-15k-seeds13-x2-views2-wiener1.5
       context-pitch8-15k-seeds23-x2 context-pitch8-15k-seeds23-x2-views2-wiener1.5
       context-pitch8-10k-seeds123-x3 context-pitch8-10k-seeds123-x3-views2-wiener1.5
       abjones-context-pitch8-10k-seeds123-x3 abjones-context-pitch8-10k-seeds123-x3-views2-wiener1.5
       abjones-context-pitch8-15k-seeds12-x2 abjones-context-pitch8-15k-seeds12-x2-views2-wiener1.5
       abjones-context-pitch8-15k-seeds123-x3 abjones-context-pitch8-15k-seeds123-x3-views2-wiener1.5
       abjones-context-pitch8-15k-seeds13-x2 abjones-context-pitch8-15k-seeds13-x2-views2-wiener1.5
       abjones-context-pitch8-15k-seeds23-x2 abjones-context-pitch8-15k-seeds23-x2-views2-wiener1.5
       abjones-context-pitch8-15k-skip1-plain1-x2 abjones-context-pitch8-15k-skip1-plain1-x2-views2-wiener1.5
       abjones-context-pitch8-15k-skip1-plain2-x2 abjones-context-pitch8-15k-skip1-plain2-x2-views2-wiener1.5
       abjones-context-pitch8-15k-skip1-plain3-x2 abjones-context-pitch8-15k-skip1-plain3-x2-views2-wiener1.5
       abjones-context-pitch8-15k-seeds12-x2-views2-wiener2 abjones-context-pitch8-15k-seeds13-x2-views2-wiener2 abjones-context-pitch8-15k-seeds23-x2-views2-wiener2
       context-pitch8-10k-seeds12-x2-views2-wiener1.5 context-pitch8-10k-seeds12-x2-views2-wiener2 context-pitch8-10k-seeds13-x2-views2-wiener1.5 context-pitch8-10k-seeds13-x2-views2-wiener2 context-pitch8-10k-seeds23-x2-views2-wiener1.5 context-pitch8-10k-seeds23-x2-views2-wiener2)
for name in "$@"; do  # every name first, before any work
  [[ -v ENSEMBLES[$name] ]] || { echo "unknown name $name: see ENSEMBLES in $0" >&2; exit 2; }
done
for name in "${@:-${ORDER[@]}}"; do
  entry=${ENSEMBLES[$name]}
  members=(${entry%% -- *})
  extra=()
  [[ $entry == *" -- "* ]] && extra=(${entry#* -- })
  case ${members[0]} in abjones-*) split=dev-abjones ;; *) split=dev-amy ;; esac
  flags=()
  for member in "${members[@]}"; do flags+=(--model-dir runs/dev-$member); done
  $PY evaluate.py --list data/$split/valid.txt "${flags[@]}" --output-dir statistics/ensembles --name "$name" --quiet \
    ${RESUME:+--resume} "${extra[@]}"
done
$PY experiments/ablation_table.py --ensembles
