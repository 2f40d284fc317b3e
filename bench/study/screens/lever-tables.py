"""Markdown tables from lever-screen.py's JSON lines: per set, feature transform and strategy,
the median labels to 95% of the own all-labels accuracy over the seeds, the labels per seed,
the ratio to random under the SAME transform (ratio of the medians, and the median of the
per-seed ratios), seeds at or under half of their own random's, seeds with fewer labels than
random, the mean accuracy over the first 20 rounds (ALC to 200 labels), the mean accuracy at
20, 50 and 100 labels (a lever that changes the features or the head changes the all-labels
accuracy too, so its ratio alone does not say whether the expert's model got better), the labels
at which the MEAN curve over the seeds first reaches 95% of the mean all-labels accuracy and
its ratio to random's (a steadier reading of the goal than the median of per-seed crossings; a
curve that stopped at its own target is held at its last accuracy, alike for every strategy),
the paired change of
the per-seed ratio against the default's rule on the product's features (transform none; the
baseline of a seed is the mean log ratio of every replicate of the rule, tm and tm#<n>, other than
the row itself): mean of log(ratio) - log(baseline ratio) over the seeds, shown as a factor, with
+-2 standard errors (as a factor range; a range that holds 1 is noise), and diagnostics. A last
line per set gives the spread of the ratio of medians over the replicates of the default's rule
(the same rule with only its own randomness changed): the noise floor of one ratio.
SEEDS=0-4 keeps seeds 0 to 4 only. STRATEGIES=random,tm,uherd keeps those strategies (a name
keeps its replicates too: tm keeps tm#1...) and TRANSFORMS=none those transforms, so a new
screen's file can be read together with an earlier one whose baselines it reuses. LEVELS=0.6,0.7,0.8 adds, per set, the labels at which each
transform and strategy's mean curve first reaches those fixed accuracies (levers that change
the all-labels accuracy compared at one goal; ">max": not within the runs' curves; "–": above
some run's own target, where that run stopped, so not measured).

  SEEDS=0-4 /usr/bin/python3 bench/study/screens/lever-tables.py bench/.work/screens/screen2.jsonl

  /usr/bin/python3 bench/study/screens/lever-tables.py bench/.work/screens/screen2.jsonl

  STRATEGIES=random,margin,tm,uherd,maxherd,typ-uherd TRANSFORMS=none /usr/bin/python3 \
      bench/study/screens/lever-tables.py bench/.work/screens/screen2.jsonl bench/.work/screens/screen4.jsonl
"""
import json, os, sys
import numpy as np

rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
if os.environ.get('SEEDS'):
    lo, hi = (int(v) for v in os.environ['SEEDS'].split('-'))
    rows = [r for r in rows if lo <= r['seed'] <= hi]
if os.environ.get('STRATEGIES'):
    keep = set(os.environ['STRATEGIES'].split(','))
    rows = [r for r in rows if r['strategy'].partition('#')[0] in keep]
if os.environ.get('TRANSFORMS'):
    rows = [r for r in rows if r['transform'] in set(os.environ['TRANSFORMS'].split(','))]
runs = {}
for r in rows: runs[(r['set'], r['transform'], r['strategy'], r['seed'])] = r
INF = float('inf')
def lab(r): return INF if r['labels'] is None else r['labels']
def fmt(v): return '>max' if v == INF else f'{v:g}'
def alc(r):
    a = [x for x in r['accs'][:20] if x is not None]
    # a curve that stops before 20 rounds has reached its target; hold its last accuracy
    a = a + [a[-1]] * (20 - len(r['accs'][:20])) if a else a
    return np.mean(a) if a else float('nan')
def mean_crossing(rs, level=None):
    """Labels at which the mean curve of `rs` first reaches `level` (default: 95% of their mean all-labels accuracy)."""
    n = max(len(r['accs']) for r in rs)
    curves = np.array([[np.nan if v is None else v for v in (r['accs'] + [r['accs'][-1]] * (n - len(r['accs'])))] for r in rs])
    target = 0.95 * np.mean([r['reference'] for r in rs]) if level is None else level
    hit = np.where(np.nan_to_num(curves.mean(0)) >= target)[0]
    return INF if len(hit) == 0 else 10 * (int(hit[0]) + 1)
def acc_at(r, labels):
    a = r['accs']; i = labels // 10 - 1
    # a curve stops once it reaches its target: hold its last accuracy
    v = a[i] if i < len(a) else a[-1]
    return float('nan') if v is None else v

sets = list(dict.fromkeys(r['set'] for r in rows))
for s in sets:
    print(f'\n#### {s}\n')
    print('| transform | strategy | all-labels acc (mean) | median labels | per seed | ÷ random (medians) | median per-seed ratio | seeds ≤ ½ random | seeds < random | ALC 200 (mean) | acc @20 / @50 / @100 labels (mean) | mean curve at 95% (÷ random) | ratio ÷ default\'s ratio, paired (×, ±2 SE) | diagnostics |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
    for t in dict.fromkeys(r['transform'] for r in rows if r['set'] == s):
        for st in dict.fromkeys(r['strategy'] for r in rows if r['set'] == s and r['transform'] == t):
            seeds = sorted(k[3] for k in runs if k[:3] == (s, t, st))
            rs = [runs[(s, t, st, sd)] for sd in seeds]
            rnd = [runs.get((s, t, 'random', sd)) for sd in seeds]
            L = [lab(r) for r in rs]; med = float(np.median(L))
            ok = all(r is not None for r in rnd)
            R = [lab(r) for r in rnd] if ok else None
            rmed = float(np.median(R)) if ok else None
            ratio = f'{med / rmed:.2f}' if ok and rmed not in (0, INF) and med != INF else '–'
            per = np.median([a / b for a, b in zip(L, R)]) if ok else None
            half = sum(a <= b / 2 for a, b in zip(L, R)) if ok else None
            fewer = sum(a < b for a, b in zip(L, R)) if ok else None
            paired = '–'
            if ok and st != 'random':
                d = []
                for sd, a, b in zip(seeds, L, R):
                    br = runs.get((s, 'none', 'random', sd))
                    reps = [lab(v) for k, v in runs.items() if k[0] == s and k[1] == 'none' and k[3] == sd
                            and k[2].partition('#')[0] == 'tm' and not (t == 'none' and k[2] == st)]
                    if br and reps and INF not in (a, b, lab(br), *reps):
                        d.append(np.log(a / b) - np.mean([np.log(x / lab(br)) for x in reps]))
                if len(d) >= 2:
                    m, se = np.mean(d), np.std(d, ddof=1) / np.sqrt(len(d))
                    paired = f'{np.exp(m):.2f} ({np.exp(m - 2 * se):.2f}–{np.exp(m + 2 * se):.2f})'
            mc = mean_crossing(rs); mr = mean_crossing([r for r in rnd]) if ok else None
            crossing = fmt(mc) + (f' ({mc / mr:.2f})' if ok and INF not in (mc, mr) else '')
            diag = '; '.join(f'{k} mean {np.mean([r["diag"][k][0] for r in rs if k in r["diag"]]):.2f}'
                             f' (range {min(r["diag"][k][1] for r in rs if k in r["diag"]):.2f}–{max(r["diag"][k][2] for r in rs if k in r["diag"]):.2f})'
                             for k in dict.fromkeys(k for r in rs for k in r['diag']))
            print(f'| {t} | {st} | {np.mean([r["reference"] for r in rs]):.3f} | {fmt(med)} | {", ".join(fmt(v) for v in L)} | {ratio} | '
                  f'{"–" if per is None else f"{per:.2f}"} | {"–" if half is None else f"{half}/{len(seeds)}"} | '
                  f'{"–" if fewer is None else f"{fewer}/{len(seeds)}"} | {np.mean([alc(r) for r in rs]):.3f} | {" / ".join(f"{np.mean([acc_at(r, n) for r in rs]):.3f}" for n in (20, 50, 100))} | {crossing} | {paired} | {diag} |')
    reps = sorted(k for k in dict.fromkeys(r['strategy'] for r in rows if r['set'] == s and r['transform'] == 'none') if k.partition('#')[0] == 'tm')
    if len(reps) > 1:
        sds = sorted({k[3] for k in runs if k[:3] == (s, 'none', 'random')})
        rm = float(np.median([lab(runs[(s, 'none', 'random', sd)]) for sd in sds]))
        rat = {k: float(np.median([lab(runs[(s, 'none', k, sd)]) for sd in sds if (s, 'none', k, sd) in runs])) / rm for k in reps}
        print(f'\nReplicates of the default (tm, tm#n; same splits, only the rule\'s own randomness changed), ratio of medians to random: '
              + ', '.join(f'{k} {v:.2f}' for k, v in rat.items()) + f' — range {min(rat.values()):.2f}–{max(rat.values()):.2f}.')
    if os.environ.get('LEVELS'):
        levels = [float(v) for v in os.environ['LEVELS'].split(',')]
        print(f'\nLabels at which the mean curve first reaches a fixed accuracy:\n')
        print('| transform | strategy | ' + ' | '.join(f'{v:.0%}' for v in levels) + ' |')
        print('|---|---|' + '---|' * len(levels))
        for t in dict.fromkeys(r['transform'] for r in rows if r['set'] == s):
            for st in dict.fromkeys(r['strategy'] for r in rows if r['set'] == s and r['transform'] == t):
                rs = [v for k, v in runs.items() if k[:3] == (s, t, st)]
                # a run stops at its own target: a level above it is not measured ('–')
                print(f'| {t} | {st} | ' + ' | '.join(fmt(mean_crossing(rs, v)) if v <= min(r['target'] for r in rs) else '–' for v in levels) + ' |')
