"""Screen 6 (offline; numpy/scipy, Debian python3-numpy python3-scipy): can the app tell from an
expert's own labels, early, whether "No up or down" (the light head learns every label in the
symmetries of the square, each view at 1/8 weight: lever-screen.py's d4) helps, reliably enough
to suggest turning it on? Not the app's loop; the head is head-screen.py's (imported).

The rule, fixed before any result was seen (RESULTS-screen6.md, "The rule"):
  On the labels so far (n of them), 5-fold stratified out-of-fold predictions (the rows of each
  class in a random order, dealt to folds 0,1,2,3,4,0,... class after class), twice: the head
  trained on the training folds' view 0 only ("plain"), and the head trained on the training
  folds' views ("views"; the held-out fold's views are never trained on). Held-out rows are
  scored by the plain head on view 0, and by the views head
    orig  on view 0 (as the app predicts), or
    avg   on the mean of its probabilities over the views (two pre-declared variants).
  Per labeled row d_i = logloss_views_i - logloss_plain_i (natural log, probability floored at
  1e-6); suggest when mean(d) < -2 * sd(d) / sqrt(n) (the views lower the out-of-fold log-loss by
  more than 2 paired standard errors) AND the views' out-of-fold accuracy >= the plain one's.
  Nothing is tuned per set.

Truth at the same labels: the plain and the views head trained on all n labels (from scratch),
test accuracy on view 0 of lever-screen.py's stratified 30% test split of the same seed; gain =
views - plain.

Labeled sets per seed (0..19): random (lever-screen.py's random order of the pool: its first n)
and tm (the default's rule, typical-margin, re-implemented in lever-screen.py, run with the plain
head because the setting is off while the expert labels: its first n picks; identical to
lever-screen.py's tm on transform v0 up to 80 labels). Both are nested (30 within 50 within 80).

Views: 8 (all symmetries, as screen 3 and dump-views.mts) or 4 (views 0, 2, 4, 6: what the app
uses for an image that is not square: symmetry-views.ts). Features: dump-views.mts's
<set>.v<k>.b.f32, standardised with view 0's pool statistics (as lever-screen.py's d4); labels:
dump-labels.mts.

  npx tsx bench/study/screens/dump-views.mts pbc-mobilenet025-light
  npx tsx bench/study/screens/dump-labels.mts pbc-mobilenet025-light
  nice -n 10 /usr/bin/python3 bench/study/screens/screen6.py run pbc-mobilenet025-light random,tm \
      0-19 30,50,80 8 bench/.work/screens/screen6.jsonl
  /usr/bin/python3 bench/study/screens/screen6.py tables bench/.work/screens/screen6.jsonl
"""
import importlib.util, json, os, sys, time
import numpy as np

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('lever_screen', os.path.join(_here, 'lever-screen.py'))
lv = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(lv)
fit, predict, balanced = lv.fit, lv.predict, lv.balanced  # head-screen.py's head
assert lv.AUG is None  # lever-screen's fit_rows is the plain head: the default's picks below

FOLDS = 5
FLOOR = 1e-6

def load(sid, view_ids):
    meta = json.load(open(f'bench/.work/screens/{sid}.json'))
    y = np.fromfile(f'bench/.work/screens/{sid}.labels.i32', dtype=np.int32).astype(int)
    V = [np.fromfile(f'bench/.work/screens/{sid}.v{k}.b.f32', dtype=np.float32).reshape(len(y), -1).astype(np.float64) for k in range(8)]
    mu = V[0].mean(0); sd = V[0].std(0); sd[sd < 1e-6] = 1
    Z = [(V[k] - mu) / sd for k in view_ids]  # Z[0] is view 0
    return V[0], Z, y, len(meta['classes'])

def fit_plain(Z, rows, y, C):
    return fit(Z[0][rows], y[rows], C, balanced(y[rows], C))

def fit_views(Z, rows, y, C):
    w = balanced(y[rows], C) / len(Z)
    return fit(np.vstack([Zk[rows] for Zk in Z]), np.tile(y[rows], len(Z)), C, np.tile(w, len(Z)))

def tm_order(X, Zt, y, C, seed, n):
    """lever-screen.py's run() for strategy tm with the plain head (AUG None), its picks only."""
    test, pool, _ = lv.split(y, C, seed)
    E = lv.pool_embedding(X)
    rng = np.random.default_rng([seed, 0x5c2]); lab = []; theta = None
    while len(lab) < n:
        labarr = np.array(lab, int); unl = pool[~np.isin(pool, labarr)]
        if theta is not None and len(set(y[labarr])) >= 2:
            picks = lv.least_sure_per_cluster(E, pool, labarr, unl, lv.margin_of(predict(theta, Zt[unl], C)), rng)
        else:
            picks = lv.typical_batch(E, pool, labarr, rng)
        lab += [int(r) for r in picks]
        labarr = np.array(lab, int)
        if len(set(y[labarr])) < 2: continue
        theta = lv.fit_rows(Zt, labarr, y[labarr], C, W0=theta)
    return np.array(lab[:n], int)

def folds_of(ylab, rng):
    order = np.concatenate([rng.permutation(np.where(ylab == c)[0]) for c in np.unique(ylab)])
    fold = np.empty(len(ylab), int); fold[order] = np.arange(len(ylab)) % FOLDS
    return fold

def row_loss(P, yy):
    return -np.log(np.maximum(P[np.arange(len(yy)), yy], FLOOR))

def oof(Z, lab, y, C, rng):
    """Out-of-fold probabilities of the labeled rows: plain, views on view 0, views averaged over the views."""
    ylab = y[lab]; fold = folds_of(ylab, rng); n = len(lab)
    P = {k: np.full((n, C), 1.0 / C) for k in ('plain', 'orig', 'avg')}; skipped = 0
    for f in range(FOLDS):
        te = fold == f; tr = ~te
        if te.sum() == 0: continue
        if len(set(ylab[tr])) < 2: skipped += te.sum(); continue  # no head: uniform for both
        rows_tr, rows_te = lab[tr], lab[te]
        P['plain'][te] = predict(fit_plain(Z, rows_tr, y, C), Z[0][rows_te], C)
        th = fit_views(Z, rows_tr, y, C)
        P['orig'][te] = predict(th, Z[0][rows_te], C)
        P['avg'][te] = np.mean([predict(th, Zk[rows_te], C) for Zk in Z], axis=0)
    return P, skipped

def decide(P, ylab):
    base = row_loss(P['plain'], ylab); acc0 = float((P['plain'].argmax(1) == ylab).mean()); out = {'oof_acc_plain': acc0, 'oof_ll_plain': float(base.mean())}
    for v in ('orig', 'avg'):
        d = row_loss(P[v], ylab) - base; n = len(d)
        m = float(d.mean()); se = float(d.std(ddof=1) / np.sqrt(n)); acc1 = float((P[v].argmax(1) == ylab).mean())
        out[v] = {'d_ll': m, 'se': se, 'oof_acc': acc1, 'suggest': bool(m < -2 * se and acc1 >= acc0)}
    return out

def truth(Z, lab, y, C, test):
    th0 = fit_plain(Z, lab, y, C); th1 = fit_views(Z, lab, y, C)
    P0 = predict(th0, Z[0][test], C); P1 = predict(th1, Z[0][test], C)
    P1a = np.mean([predict(th1, Zk[test], C) for Zk in Z], axis=0)
    a0 = float((P0.argmax(1) == y[test]).mean()); a1 = float((P1.argmax(1) == y[test]).mean())
    return {'acc_plain': a0, 'acc_views': a1, 'gain': a1 - a0, 'acc_views_avg': float((P1a.argmax(1) == y[test]).mean()),
            'll_plain': float(row_loss(P0, y[test]).mean()), 'll_views': float(row_loss(P1, y[test]).mean())}

def run(sid, strategies, seeds, counts, nviews, out):
    view_ids = list(range(8)) if nviews == 8 else [0, 2, 4, 6]
    X, Z, y, C = load(sid, view_ids)
    for seed in seeds:
        test, pool, order = lv.split(y, C, seed)
        for strategy in strategies:
            t0 = time.time()
            full = order[:max(counts)] if strategy == 'random' else tm_order(X, Z[0], y, C, seed, max(counts))
            for n in counts:
                lab = full[:n]
                P, skipped = oof(Z, lab, y, C, np.random.default_rng([seed, n, 6]))
                row = {'set': sid, 'views': nviews, 'strategy': strategy, 'seed': seed, 'labels': n,
                       'classes_labeled': int(len(set(y[lab]))), 'oof_skipped': int(skipped),
                       **decide(P, y[lab]), **truth(Z, lab, y, C, test)}
                with open(out, 'a') as f: f.write(json.dumps(row) + '\n')
                print(sid, nviews, strategy, seed, n, f"orig {row['orig']['suggest']} avg {row['avg']['suggest']} gain {row['gain']:+.3f}", flush=True)
            print(f'  {time.time() - t0:.1f}s', flush=True)

# ---------- tables ----------
def tables(path):
    rows = [json.loads(l) for l in open(path)]
    keys = sorted({(r['set'], r['views'], r['strategy']) for r in rows}, key=lambda k: (k[0], -k[1], k[2]))
    for sid, nv, strat in keys:
        R = [r for r in rows if (r['set'], r['views'], r['strategy']) == (sid, nv, strat)]
        seeds = sorted({r['seed'] for r in R})
        print(f'\n#### {sid} · {nv} views · {strat} labels ({len(seeds)} draws)\n')
        print('| labels | test-acc gain of the views, mean (±2 SE) | draws with gain > 0 | OOF Δ log-loss, mean | suggests: orig | suggests: avg | mean gain where orig suggests / stays silent | mean gain where avg suggests / stays silent |')
        print('|---|---|---|---|---|---|---|---|')
        for n in sorted({r['labels'] for r in R}):
            S = [r for r in R if r['labels'] == n]; g = np.array([r['gain'] for r in S]); k = len(S)
            se = g.std(ddof=1) / np.sqrt(k) if k > 1 else float('nan')
            def split_gain(v):
                yes = [r['gain'] for r in S if r[v]['suggest']]; no = [r['gain'] for r in S if not r[v]['suggest']]
                f = lambda a: f'{np.mean(a):+.3f}' if a else '–'
                return f'{f(yes)} / {f(no)}'
            dll = np.mean([r['orig']['d_ll'] for r in S]); dlla = np.mean([r['avg']['d_ll'] for r in S])
            print(f"| {n} | {g.mean():+.3f} (±{2 * se:.3f}) | {(g > 0).sum()}/{k} | {dll:+.3f} orig, {dlla:+.3f} avg | "
                  f"{sum(r['orig']['suggest'] for r in S)}/{k} | {sum(r['avg']['suggest'] for r in S)}/{k} | {split_gain('orig')} | {split_gain('avg')} |")
        # the app would check at every count: the first count at which the rule suggests
        for v in ('orig', 'avg'):
            first = []
            for s in seeds:
                hit = [r['labels'] for r in sorted(R, key=lambda r: r['labels']) if r['seed'] == s and r[v]['suggest']]
                first.append(hit[0] if hit else None)
            by = {n: sum(1 for f in first if f is not None and f <= n) for n in sorted({r['labels'] for r in R})}
            print(f"\n{v}: suggested by " + ', '.join(f'{n} labels {c}/{len(seeds)}' for n, c in by.items()))

def summary(paths):
    """One line per set, views and labeled set: the rule's suggestion rate (orig · avg) and the true
    gain at each count; then, POST HOC (not the rule), how often orig would suggest at looser
    thresholds z = mean(d) / SE < -1 and < 0 (with the same accuracy condition)."""
    rows = [json.loads(l) for p in paths for l in open(p)]
    keys = sorted({(r['set'], r['views'], r['strategy']) for r in rows}, key=lambda k: (k[0], -k[1], k[2]))
    counts = sorted({r['labels'] for r in rows})
    print('| set · views · labels | draws | ' + ' | '.join(f'{n}: suggests orig · avg (gain, ±2 SE)' for n in counts) + ' |')
    print('|---|---|' + '---|' * len(counts))
    for k in keys:
        R = [r for r in rows if (r['set'], r['views'], r['strategy']) == k]; cells = []
        for n in counts:
            S = [r for r in R if r['labels'] == n]
            if not S: cells.append('–'); continue
            g = np.array([r['gain'] for r in S]); se = 2 * g.std(ddof=1) / np.sqrt(len(g)) if len(g) > 1 else float('nan')
            cells.append(f"{sum(r['orig']['suggest'] for r in S)} · {sum(r['avg']['suggest'] for r in S)} of {len(S)} ({g.mean():+.3f} ±{se:.3f})")
        print(f'| {k[0]} · {k[1]} · {k[2]} | {len({r["seed"] for r in R})} | ' + ' | '.join(cells) + ' |')
    print('\nPOST HOC (not the rule): orig suggests at z < -1 · z < 0 (accuracy condition kept)\n')
    print('| set · views · labels | ' + ' | '.join(f'{n}' for n in counts) + ' |')
    print('|---|' + '---|' * len(counts))
    for k in keys:
        R = [r for r in rows if (r['set'], r['views'], r['strategy']) == k]; cells = []
        for n in counts:
            S = [r for r in R if r['labels'] == n]
            ok = lambda r, z: r['orig']['d_ll'] < z * r['orig']['se'] and r['orig']['oof_acc'] >= r['oof_acc_plain']
            cells.append(f"{sum(ok(r, -1) for r in S)} · {sum(ok(r, 0) for r in S)} of {len(S)}" if S else '–')
        print(f'| {k[0]} · {k[1]} · {k[2]} | ' + ' | '.join(cells) + ' |')

if __name__ == '__main__':
    if sys.argv[1] == 'tables':
        tables(sys.argv[2])
    elif sys.argv[1] == 'summary':
        summary(sys.argv[2:])
    else:
        _, _, sid, strategies, seeds, counts, nviews, out = sys.argv
        if '-' in seeds: a, b = seeds.split('-'); seeds = list(range(int(a), int(b) + 1))
        else: seeds = [int(s) for s in seeds.split(',')]
        run(sid, strategies.split(','), seeds, [int(c) for c in counts.split(',')], int(nviews), out)
