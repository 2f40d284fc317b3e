"""Offline screen of NEW levers for issue 9's goal (b) (labels to 95% of the all-labels accuracy,
active / random, the SAME head): not the app's loop; numpy/scipy only (Debian python3-numpy,
python3-scipy). The head is head-screen.py's (imported, not copied): multinomial logistic
regression on pool-standardised features, class-balanced, L2 1 on the summed loss, L-BFGS;
a stratified 30% test split per seed (the same draw as head-screen.py, so random's picks are
the same too); batch 10; each curve runs until 95% of its OWN all-labels accuracy (the same
head and feature transform trained on the whole pool).

Feature transforms (applied to the layer-B features BEFORE the head's standardisation; the
clustering embedding of the default's rule stays the product's, on the raw features):
  none   the product's head
  ssr    signed square root, then each row L2-normalised (power normalisation; Perronnin,
         Sanchez, Mensink, ECCV 2010)
  cl2n   subtract the pool mean, then each row L2-normalised (SimpleShot's CL2N; Wang et al. 2019)
  a      pooled layer A instead of B (the lower layer of the distinctiveness criterion)
  ab     pooled layers A and B side by side (intermediate features for a far domain; Evci et
         al., ICML 2022, "Head2Toe"); needs <set>.a.f32 from dump-features.mts
  v0     layer B of the re-encoded images of dump-views.mts (view 0: the matched baseline of d4)
  d4     the head learns every label in the 8 symmetries of the square (rotations by 90
         degrees, with and without a mirror; each view weighs 1/8, so an image still counts
         once), standardised with view 0's pool statistics; it predicts on view 0 (pool and
         test). Only for images whose orientation means nothing; needs dump-views.mts

Strategies (names: <cold start and cap>-<score>; "tm-" is the default's rule, typical-margin:
k-means of the pool into labeled+10 clusters on the product's embedding (centred, one
pool-wide RMS scale, Gaussian projection to 32 dims, k-means++ and 8 Lloyd iterations on at
most 3,000 rows), typical-first cold start while no head over two classes exists (the most
typical image, 1 / mean distance to its 20 nearest fellow members, of the least-labeled then
largest clusters, clusters under 5 images last), then the least-sure unlabeled images, at most
one per cluster in a batch, the rest filled by the next least sure; see
src-main/engine/adma/cluster-strategies.ts. This is a re-implementation, not bit-identical:
its own seeds, typicality on all members):
  random           random batches
  margin           random cold start, then plain margin (1 - (p1 - p2)) over the pool
  tm               the default: typical cold start, margin, one per cluster
  tm-cmargin       committee: 5 heads fitted on class-stratified bootstrap resamples of the
                   labels (warm-started at the head), margin of their averaged probabilities
  tm-vote          committee vote entropy (ties broken by the committee margin)
  tm-kl            committee disagreement: mean KL(member || consensus) (BALD-like; for an
                   ensemble it is the mutual information of Houlsby et al. 2011)
  tm-tmargin       margin of temperature-scaled probabilities; T minimises the held-out
                   negative log-likelihood of 3-fold stratified cross-validation logits on the
                   labels (Guo et al., ICML 2017); also logs T and how many of the plain
                   margin's 10 least-sure images stay among the tempered 10
  tm-lmargin       the T -> infinity limit of tm-tmargin: the gap between the two largest
                   logits (parameter-free)
  tm-dropq         DropQuery (Gupte et al. 2024, "Revisiting active learning in the era of
                   vision foundation models", linear probes on frozen features): 3 inverted-
                   dropout (p = 0.75) passes over the standardised features; candidates are the
                   unlabeled images whose prediction changes in at least 2 of 3; k-means of the
                   candidates into 10 clusters, the candidate nearest each centre (fill with
                   the least-sure margin when fewer than 10 candidates). Their head is trained
                   with that dropout; ours is not (a deviation, logged: candidate fraction).
  tm-power         stochastic power acquisition (Kirsch et al., TMLR 2023, "Stochastic batch
                   acquisition"), beta = 1: the margin uncertainty s = 1 - (p1 - p2) ranked as
                   log s + Gumbel noise (sampling the batch without replacement with
                   probability proportional to s), then the default's one per cluster
A strategy name may end in #<n> (e.g. tm#1): the same rule with another seed for its own
randomness (k-means, bootstrap, dropout), the split and random order unchanged; tm against tm#1
measures how far the labels-to-95% of one rule move when only a few picks change (the noise
floor of this measure).
Each run writes one JSON line (set, transform, strategy, seed, reference, target, labels to 95%
or null, accuracy curve, diagnostics) to the output file; lever-tables.py makes the tables.

  npx tsx bench/study/screens/dump-features.mts pbc-mobilenet025-light   # once per set
  nice -n 10 /usr/bin/python3 bench/study/screens/lever-screen.py \
      pbc-mobilenet025-light none random,margin,tm,tm-kl 0,1,2,3,4 1500 out.jsonl
"""
import importlib.util, json, os, sys, time
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

_spec = importlib.util.spec_from_file_location('head_screen', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'head-screen.py'))
hs = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(hs)
load, fit, predict, balanced = hs.load, hs.fit, hs.predict, hs.balanced

BATCH = 10
AUG = None  # d4: the 8 standardised views, [view][row] (view 0 first); None: the head learns one view

def fit_rows(Zt, rows, ylab, C, W0=None):
    """The head on the labeled rows; under d4 on all their views, each weighing 1/8."""
    if AUG is None: return fit(Zt[rows], ylab, C, balanced(ylab, C), W0=W0)
    w = balanced(ylab, C) / len(AUG)
    return fit(np.vstack([V[rows] for V in AUG]), np.tile(ylab, len(AUG)), C, np.tile(w, len(AUG)), W0=W0)
COMMITTEE = 5

# ---------- features ----------
def transform(X, kind, XA=None):
    if kind == 'none': return X
    if kind == 'a': return XA
    if kind == 'ab': return np.hstack([XA, X])
    if kind == 'ssr':
        S = np.sign(X) * np.sqrt(np.abs(X))
        return S / np.maximum(np.linalg.norm(S, axis=1, keepdims=True), 1e-12)
    if kind == 'cl2n':
        S = X - X.mean(0)
        return S / np.maximum(np.linalg.norm(S, axis=1, keepdims=True), 1e-12)
    raise ValueError(kind)

def standardise(X):
    mu = X.mean(0); sd = X.std(0); sd[sd < 1e-6] = 1
    return (X - mu) / sd

def split(y, C, seed):
    """head-screen.py's stratified 30% test split and its random order of the pool."""
    rng = np.random.default_rng(seed); test = []
    for c in range(C):
        idx = np.where(y == c)[0]; rng.shuffle(idx); test += list(idx[:int(round(0.3 * len(idx)))])
    test = np.array(sorted(test)); pool = np.setdiff1d(np.arange(len(y)), test)
    return test, pool, rng.permutation(pool)

# ---------- the product's pool embedding, k-means, typicality ----------
def pool_embedding(X):
    Zc = X - X.mean(0); rms = np.sqrt((Zc * Zc).sum() / len(X)); Zc = Zc / (rms if rms > 1e-12 else 1)
    d = X.shape[1]; dim = min(32, d)
    if dim == d: return Zc
    P = np.random.default_rng(0x7e1c).standard_normal((d, dim)) / np.sqrt(dim)
    return Zc @ P

def sqdist(A, B):
    return np.maximum((A * A).sum(1)[:, None] - 2 * A @ B.T + (B * B).sum(1)[None, :], 0)

def kmeans(E, rows, k, rng, iters=8, max_sample=3000):
    sample = rows if len(rows) <= max_sample else np.sort(rng.choice(rows, max_sample, replace=False))
    k = max(1, min(k, len(sample))); S = E[sample]
    centres = np.empty((k, E.shape[1])); nearest = np.full(len(sample), np.inf)
    nxt = rng.integers(len(sample))
    for c in range(k):
        centres[c] = S[nxt]
        nearest = np.minimum(nearest, ((S - centres[c]) ** 2).sum(1))
        tot = nearest.sum()
        nxt = rng.integers(len(sample)) if tot <= 0 else min(np.searchsorted(np.cumsum(nearest), rng.random() * tot, side='right'), len(sample) - 1)
    assign = None
    for _ in range(iters):
        new = sqdist(S, centres).argmin(1)
        if assign is not None and np.array_equal(new, assign): break
        assign = new
        for c in range(k):
            m = assign == c
            if m.any(): centres[c] = S[m].mean(0)
    D = sqdist(E[rows], centres)
    return D.argmin(1), D.min(1), k

def typicality(E, members, rng, nn=20, max_ref=400):
    if len(members) < 2: return np.zeros(len(members))
    ref = members if len(members) <= max_ref else rng.choice(members, max_ref, replace=False)
    D = np.sqrt(sqdist(E[members], E[ref]))
    D[members[:, None] == ref[None, :]] = np.inf
    k = min(nn, len(ref) - 1)
    near = np.sort(D, 1)[:, :k]
    return 1 / (np.where(np.isfinite(near), near, 0).sum(1) / np.maximum(np.isfinite(near).sum(1), 1) + 1e-12)

def typical_batch(E, pool, labeled, rng):
    """The default's cold start: one pick at a time from the least-labeled, then largest cluster."""
    assign, _, k = kmeans(E, pool, len(labeled) + BATCH, rng)
    members = [pool[assign == c] for c in range(k)]
    labels = np.array([np.isin(m, labeled).sum() for m in members]); taken = set(labeled.tolist())
    typ = [None] * k; picks = []
    while len(picks) < BATCH:
        open_ = [c for c in range(k) if any(r not in taken for r in members[c])]
        if not open_: break
        big = [c for c in open_ if len(members[c]) >= 5] or open_
        c = min(big, key=lambda c: (labels[c], -len(members[c])))
        if typ[c] is None: typ[c] = typicality(E, members[c], rng)
        order = np.argsort(-typ[c], kind='stable')
        row = next(members[c][i] for i in order if members[c][i] not in taken)
        picks.append(row); taken.add(row); labels[c] += 1
    return picks

def least_sure_per_cluster(E, pool, labeled, unl, score, rng):
    """The default after the cold start: by score (higher = less sure), at most one per cluster."""
    assign, _, _ = kmeans(E, pool, min(200, len(labeled) + BATCH), rng)
    cluster = dict(zip(pool.tolist(), assign.tolist()))
    order = unl[np.lexsort((unl, -score))]
    picks, used = [], set()
    for one_per in (True, False):
        for r in order:
            if len(picks) == BATCH: return picks
            if r in picks or (one_per and cluster[r] in used): continue
            picks.append(r); used.add(cluster[r])
    return picks

# ---------- scores ----------
def margin_of(P):
    s = np.sort(P, 1); return 1 - (s[:, -1] - s[:, -2])

def logits(theta, Z, C):
    d = Z.shape[1]; return Z @ theta[:d * C].reshape(d, C) + theta[d * C:]

def committee(Z, lab, ylab, C, theta, rng):
    members = []
    for _ in range(COMMITTEE):
        idx = np.concatenate([rng.choice(np.where(ylab == c)[0], (ylab == c).sum(), replace=True) for c in np.unique(ylab)])
        members.append(fit(Z[lab[idx]], ylab[idx], C, balanced(ylab[idx], C), W0=theta))
    return members

def temperature(Z, lab, ylab, C, theta):
    """T minimising the held-out NLL of 3-fold stratified cross-validation logits."""
    fold = np.zeros(len(ylab), int)
    for c in range(C):
        i = np.where(ylab == c)[0]; fold[i] = np.arange(len(i)) % 3
    L = np.zeros((len(ylab), C)); ok = np.zeros(len(ylab), bool)
    for f in range(3):
        tr, te = fold != f, fold == f
        if te.sum() == 0 or len(set(ylab[tr])) < 2: continue
        th = fit(Z[lab[tr]], ylab[tr], C, balanced(ylab[tr], C), W0=theta)
        L[te] = logits(th, Z[lab[te]], C); ok[te] = True
    if ok.sum() < 2: return 1.0
    nll = lambda lt: -log_softmax(L[ok] / np.exp(lt), axis=1)[np.arange(ok.sum()), ylab[ok]].mean()
    return float(np.exp(minimize_scalar(nll, bounds=(-3, 3), method='bounded').x))

# ---------- one run ----------
def run(X, Zt, E, y, C, strategy, seed, target, max_labels):
    test, pool, order = split(y, C, seed)
    strategy, _, salt = strategy.partition('#')
    rng = np.random.default_rng([seed, 0x5c2] + ([int(salt)] if salt else []))
    lab = []; accs = []; theta = None; diag = {'T': [], 'overlap': [], 'cand_frac': []}
    cold_random = strategy in ('random', 'margin')
    while len(lab) < max_labels:
        labarr = np.array(lab, int); is_lab = np.isin(pool, labarr); unl = pool[~is_lab]
        classifier = theta is not None and len(set(y[labarr])) >= 2
        if strategy == 'random' or (not classifier and cold_random):
            taken = set(lab); picks = [r for r in order if r not in taken][:BATCH]
        elif not classifier:
            picks = typical_batch(E, pool, labarr, rng)
        else:
            ylab = y[labarr]; P = predict(theta, Zt[unl], C)
            if strategy == 'margin':
                picks = list(unl[np.lexsort((unl, -margin_of(P)))[:BATCH]])
            elif strategy == 'tm':
                picks = least_sure_per_cluster(E, pool, labarr, unl, margin_of(P), rng)
            elif strategy in ('tm-cmargin', 'tm-vote', 'tm-kl'):
                Ps = np.stack([predict(m, Zt[unl], C) for m in committee(Zt, labarr, ylab, C, theta, rng)])
                Pbar = Ps.mean(0); cm = margin_of(Pbar)
                if strategy == 'tm-cmargin': score = cm
                elif strategy == 'tm-vote':
                    votes = np.stack([np.bincount(v, minlength=C) for v in Ps.argmax(2).T]) / COMMITTEE
                    ve = -(np.where(votes > 0, votes * np.log(np.maximum(votes, 1e-300)), 0)).sum(1)
                    score = ve + 1e-6 * cm  # ties (common with 5 voters) by the committee margin
                else:
                    score = (Ps * (np.log(np.maximum(Ps, 1e-300)) - np.log(np.maximum(Pbar, 1e-300))[None])).sum(2).mean(0)
                picks = least_sure_per_cluster(E, pool, labarr, unl, score, rng)
            elif strategy == 'tm-tmargin':
                T = temperature(Zt, labarr, ylab, C, theta)
                Pt = softmax(logits(theta, Zt[unl], C) / T, axis=1); score = margin_of(Pt)
                base10 = set(unl[np.lexsort((unl, -margin_of(P)))[:BATCH]].tolist())
                t10 = set(unl[np.lexsort((unl, -score))[:BATCH]].tolist())
                diag['T'].append(T); diag['overlap'].append(len(base10 & t10))
                picks = least_sure_per_cluster(E, pool, labarr, unl, score, rng)
            elif strategy == 'tm-lmargin':
                s = np.sort(logits(theta, Zt[unl], C), 1)
                picks = least_sure_per_cluster(E, pool, labarr, unl, -(s[:, -1] - s[:, -2]), rng)
            elif strategy == 'tm-power':
                score = np.log(np.maximum(margin_of(P), 1e-300)) + rng.gumbel(size=len(unl))
                picks = least_sure_per_cluster(E, pool, labarr, unl, score, rng)
            elif strategy == 'tm-dropq':
                yhat = P.argmax(1); flips = np.zeros(len(unl), int)
                for _ in range(3):
                    mask = rng.random(Zt[unl].shape) >= 0.75
                    flips += predict(theta, Zt[unl] * mask / 0.25, C).argmax(1) != yhat
                cand = unl[flips >= 2]; diag['cand_frac'].append(len(cand) / len(unl))
                if len(cand) <= BATCH:
                    rest = unl[~np.isin(unl, cand)]
                    picks = list(cand) + list(rest[np.lexsort((rest, -margin_of(predict(theta, Zt[rest], C))))[:BATCH - len(cand)]])
                else:
                    assign, dist, k = kmeans(Zt, cand, BATCH, rng, iters=100)
                    picks = [cand[assign == c][dist[assign == c].argmin()] for c in range(k) if (assign == c).any()]
                    if len(picks) < BATCH:
                        rest = np.setdiff1d(cand, picks); picks += list(rest[:BATCH - len(picks)])
            else:
                raise ValueError(strategy)
        lab += [int(r) for r in picks]
        labarr = np.array(lab, int); ylab = y[labarr]
        if len(set(ylab)) < 2: accs.append(None); continue
        theta = fit_rows(Zt, labarr, ylab, C, W0=theta)
        acc = float((predict(theta, Zt[test], C).argmax(1) == y[test]).mean()); accs.append(acc)
        if acc >= target: break
    reached = accs[-1] is not None and accs[-1] >= target
    return (len(lab) if reached else None), accs, {k: v for k, v in diag.items() if v}

def reference(Zt, y, C, seed):
    test, pool, _ = split(y, C, seed)
    th = fit_rows(Zt, pool, y[pool], C)
    return float((predict(th, Zt[test], C).argmax(1) == y[test]).mean())

if __name__ == '__main__':
    sid, kind, strategies, seeds, max_labels, out = sys.argv[1], sys.argv[2], sys.argv[3].split(','), [int(s) for s in sys.argv[4].split(',')], int(sys.argv[5]), sys.argv[6]
    X, y, C = load(sid)
    XA = (np.fromfile(f'bench/.work/screens/{sid}.a.f32', dtype=np.float32).reshape(len(y), -1).astype(np.float64)
          if kind in ('a', 'ab') else None)
    if kind in ('v0', 'd4'):
        views = [np.fromfile(f'bench/.work/screens/{sid}.v{k}.b.f32', dtype=np.float32).reshape(len(y), -1).astype(np.float64) for k in range(8)]
        X = views[0]; mu = X.mean(0); sd = X.std(0); sd[sd < 1e-6] = 1
        if kind == 'd4': AUG = [(V - mu) / sd for V in views]
    Zt = standardise(transform(X, 'none' if kind in ('v0', 'd4') else kind, XA)); E = pool_embedding(X)
    for seed in seeds:
        ref = reference(Zt, y, C, seed); target = 0.95 * ref
        for strategy in strategies:
            t0 = time.time()
            L, accs, diag = run(X, Zt, E, y, C, strategy, seed, target, max_labels)
            row = {'set': sid, 'transform': kind, 'strategy': strategy, 'seed': seed, 'reference': ref, 'target': target,
                   'labels': L, 'accs': accs, 'diag': {k: [float(np.mean(v)), float(np.min(v)), float(np.max(v))] for k, v in diag.items()},
                   'seconds': round(time.time() - t0, 1)}
            with open(out, 'a') as f: f.write(json.dumps(row) + '\n')
            print(sid, kind, strategy, seed, f'ref {ref:.3f}', 'L95', L, f'{row["seconds"]}s', row['diag'], flush=True)
