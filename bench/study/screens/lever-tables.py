"""Markdown tables from lever-screen.py's JSON lines: per set, feature transform and strategy,
the median labels to 95% of the own all-labels accuracy over the seeds, the labels per seed,
the ratio to random under the SAME transform (ratio of the medians, and the median of the
per-seed ratios), seeds at or under half of their own random's, seeds with fewer labels than
random, the mean accuracy over the first 20 rounds (ALC to 200 labels), the paired change of
the per-seed ratio against the default's rule on the product's features (tm, transform none):
mean of log(ratio) - log(ratio of tm/none) over the seeds, shown as a factor, with +-2 standard
errors (as a factor range; a range that holds 1 is noise), and diagnostics.

  /usr/bin/python3 bench/study/screens/lever-tables.py bench/.work/screens/screen2.jsonl
"""
import json, sys
import numpy as np

rows = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
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

sets = list(dict.fromkeys(r['set'] for r in rows))
for s in sets:
    print(f'\n#### {s}\n')
    print('| transform | strategy | all-labels acc (mean) | median labels | per seed | ÷ random (medians) | median per-seed ratio | seeds ≤ ½ random | seeds < random | ALC 200 (mean) | ratio ÷ default\'s ratio, paired (×, ±2 SE) | diagnostics |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
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
                    bt, br = runs.get((s, 'none', 'tm', sd)), runs.get((s, 'none', 'random', sd))
                    if bt and br and INF not in (a, b, lab(bt), lab(br)): d.append(np.log(a / b) - np.log(lab(bt) / lab(br)))
                if len(d) >= 2 and not (t == 'none' and st == 'tm'):
                    m, se = np.mean(d), np.std(d, ddof=1) / np.sqrt(len(d))
                    paired = f'{np.exp(m):.2f} ({np.exp(m - 2 * se):.2f}–{np.exp(m + 2 * se):.2f})'
            diag = '; '.join(f'{k} mean {np.mean([r["diag"][k][0] for r in rs if k in r["diag"]]):.2f}'
                             f' (range {min(r["diag"][k][1] for r in rs if k in r["diag"]):.2f}–{max(r["diag"][k][2] for r in rs if k in r["diag"]):.2f})'
                             for k in dict.fromkeys(k for r in rs for k in r['diag']))
            print(f'| {t} | {st} | {np.mean([r["reference"] for r in rs]):.3f} | {fmt(med)} | {", ".join(fmt(v) for v in L)} | {ratio} | '
                  f'{"–" if per is None else f"{per:.2f}"} | {"–" if half is None else f"{half}/{len(seeds)}"} | '
                  f'{"–" if fewer is None else f"{fewer}/{len(seeds)}"} | {np.mean([alc(r) for r in rs]):.3f} | {paired} | {diag} |')
