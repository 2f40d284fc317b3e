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
  maxherd          MaxHerding (Bae, Noh, Sutherland, ECCV 2024, "Generalized coverage for more
                   robust low-budget active learning"), every round, no head: greedy maximisation
                   of the kernel coverage (1/N) sum_i max_{l in labeled} k(x_i, x_l) over the pool,
                   one pick at a time (the gain of a candidate c is sum_i [k(x_i, c) - m_i]_+, m_i the
                   best coverage of x_i so far), k(x, x') = exp(-|x - x'|^2 / delta^2), delta = 1
                   (the authors' run_budget default) on the standardised features with each row
                   L2-normalised (the head's own input space; the authors' kernel lives on the unit-
                   normalised features their linear probe reads)
  uherd            Uncertainty Herding (Bae, Oliveira, Sutherland, ICLR 2025, "Uncertainty Herding:
                   one active learning method for all label budgets"), settings of the authors'
                   code (github.com/BorealisAI/uherding: uherding_margin with -s true -p true):
                   the same greedy step with every pool row weighted by its uncertainty U_i
                   (gain of c: sum_i U_i [k(x_i, c) - m_i]_+), U = 1 - (p1 - p2) of softmax(logits / T)
                   of the head, U = 0 on labeled rows; T by temperature scaling: a second head fitted
                   from scratch on the first 70% of the labels in labeling order, T on the grid
                   1.0, 1.1, ..., 19.9 minimising the 15-bin expected calibration error on the last
                   30%; delta adaptive: the smallest non-zero distance between two labeled images
                   (falls as labels accumulate, so the rule moves from coverage to uncertainty);
                   cold start with no labels: U = 1 and delta = 1, i.e. MaxHerding (while no head
                   over two classes exists, U = 1 with the adaptive delta); logs T and delta
  typ-uherd        the default's typical cold start (typical_batch, while no head over two
                   classes exists), then uherd (a hybrid fixed from the paper's idea, not tuned)
  <herding rule>-pe  (maxherd-pe, uherd-pe, typ-uherd-pe) the same rule with the kernel on the
                   product's 32-dim pool embedding (pool_embedding, rows L2-normalised) instead of
                   the standardised features: a check of that one choice, not a tuned variant
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

# ---------- (uncertainty) herding ----------
T_GRID = np.arange(1.0, 20, 0.1)  # the authors' temperature grid (obtain_temperature)

def herding_space(Zt, pool):
    """Pool rows of the head's standardised features, each L2-normalised, and their squared distances."""
    H = Zt[pool] / np.maximum(np.linalg.norm(Zt[pool], axis=1, keepdims=True), 1e-12)
    return sqdist(H, H).astype(np.float32)

def herding_batch(D2, lab_pos, U, delta):
    """Greedy (uncertainty-weighted) kernel coverage: BATCH positions into the pool. The gain of
    candidate c is sum_i U_i [k(x_i, c) - m_i]_+ with m_i = max over chosen l of k(x_i, x_l); the
    gains are updated only on the rows whose m_i a pick raised (equal to recomputing them)."""
    K = np.exp(-D2 / np.float32(delta * delta))
    m = K[lab_pos].max(0) if len(lab_pos) else np.zeros(len(K), np.float32)
    G = (np.maximum(K - m[:, None], 0) * U[:, None].astype(np.float32)).sum(0, dtype=np.float64)
    taken = np.zeros(len(K), bool); taken[lab_pos] = True; picks = []
    for _ in range(BATCH):
        c = int(np.argmax(np.where(taken, -np.inf, G))); picks.append(c); taken[c] = True
        k = K[c]; S = np.where(k > m)[0]
        if len(S):
            KS = K[S]
            G -= (U[S, None] * (np.maximum(KS - m[S, None], 0) - np.maximum(KS - k[S, None], 0))).sum(0, dtype=np.float64)
            m[S] = k[S]
    return picks

def adaptive_delta(D2, lab_pos):
    """The authors' adaptive radius: the smallest non-zero distance between two labeled images."""
    if len(lab_pos) < 2: return 1.0
    d = np.sqrt(D2[np.ix_(lab_pos, lab_pos)][np.tril_indices(len(lab_pos), -1)])
    d = d[d > 0]
    return float(d.min()) if len(d) else 1.0

def ece(P, y, bins=15):
    """Expected calibration error of the top-label confidence (Guo et al. 2017; bins (lo, hi])."""
    conf = P.max(1); right = P.argmax(1) == y; e = 0.0
    for lo, hi in zip(np.linspace(0, 1, bins + 1)[:-1], np.linspace(0, 1, bins + 1)[1:]):
        b = (conf > lo) & (conf <= hi)
        if b.any(): e += b.mean() * abs(right[b].mean() - conf[b].mean())
    return e

def herding_temperature(Zt, labarr, y, C):
    """The authors' temperature: a head from scratch on the first 70% of the labels (labeling
    order), T on T_GRID with the least ECE on the last 30% (ties: the smallest T)."""
    n_val = int(len(labarr) * 0.3)
    if n_val == 0: return 1.0
    tr, va = labarr[:-n_val], labarr[-n_val:]
    L = logits(fit_rows(Zt, tr, y[tr], C), Zt[va], C)
    errs = [ece(softmax(L / t, axis=1), y[va]) for t in T_GRID]
    return float(T_GRID[int(np.argmin(errs))])

# ---------- one run ----------
def run(X, Zt, E, y, C, strategy, seed, target, max_labels):
    test, pool, order = split(y, C, seed)
    strategy, _, salt = strategy.partition('#')
    rng = np.random.default_rng([seed, 0x5c2] + ([int(salt)] if salt else []))
    lab = []; accs = []; theta = None; diag = {'T': [], 'overlap': [], 'cand_frac': []}
    cold_random = strategy in ('random', 'margin')
    pe = strategy.endswith('-pe'); strategy = strategy[:-3] if pe else strategy
    herd = strategy in ('maxherd', 'uherd', 'typ-uherd')
    if herd: D2 = herding_space(E if pe else Zt, pool); diag['delta'] = []
    while len(lab) < max_labels:
        labarr = np.array(lab, int); is_lab = np.isin(pool, labarr); unl = pool[~is_lab]
        classifier = theta is not None and len(set(y[labarr])) >= 2
        if strategy == 'random' or (not classifier and cold_random):
            taken = set(lab); picks = [r for r in order if r not in taken][:BATCH]
        elif strategy == 'maxherd' or (not classifier and strategy == 'uherd'):
            lab_pos = np.searchsorted(pool, labarr)
            delta = 1.0 if strategy == 'maxherd' or len(lab_pos) == 0 else adaptive_delta(D2, lab_pos)
            picks = list(pool[herding_batch(D2, lab_pos, np.ones(len(pool)), delta)])
            diag['delta'].append(delta)
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
            elif strategy in ('uherd', 'typ-uherd'):
                lab_pos = np.searchsorted(pool, labarr); delta = adaptive_delta(D2, lab_pos)
                T = herding_temperature(Zt, labarr, y, C)
                U = margin_of(softmax(logits(theta, Zt[pool], C) / T, axis=1)); U[lab_pos] = 0
                picks = list(pool[herding_batch(D2, lab_pos, U, delta)])
                diag['T'].append(T); diag['delta'].append(delta)
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
