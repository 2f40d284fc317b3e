"""Screen 5 for issue 9's goal (b), offline: BAIT and expected error reduction on the product's
head. Not the app's loop; numpy/scipy only (Debian python3-numpy, python3-scipy). Everything
else -- the head (head-screen.py: multinomial logistic regression on pool-standardised layer-B
features, class-balanced, L2 1 on the summed loss, L-BFGS), the split, the random order, the
default's typical cold start and its one-per-cluster cap, the target (95% of the run's own
all-labels accuracy), the JSON-lines format -- is lever-screen.py's, imported, not copied, so
lever-tables.py reads this file's rows together with lever-screen.py's baselines (random,
margin, tm, tm#<n>) written to the same file.

Strategies (a name may end in #<n>: another seed for the rule's own randomness):

  bait      BAIT (Ash, Goel, Krishnamurthy, Kakade, NeurIPS 2021, "Gone fishing: neural active
            learning with Fisher embeddings"), as the authors' code runs it (JordanAsh/badge,
            query_strategies/bait_sampling.py): the Fisher of image x for the last layer of a
            softmax head is V_x^T V_x with V_x = R_x (x) e^T, R_x = diag(sqrt p)(I - 1 p^T) (C x C,
            R^T R = diag(p) - p p^T; their get_exp_grad_embedding, no bias); F = the mean Fisher
            of the whole pool (labeled and not), I = the mean Fisher of the labeled images;
            M = lambda I + I * L/(L+K), every embedding scaled by sqrt(K/(L+K)) (K = 10 the batch,
            L the labels so far), lambda = 1; greedy forward selection of 2K images, each the one
            that lowers tr(M^-1 F) most (Woodbury, rank C), then backward pruning to K, each time
            removing the image whose removal raises it least -- their code line by line.
            DEVIATION (cost): e is not the head's 256/768-dim input but its projection on the
            top BAIT_DIM (64) principal components of the pool's standardised features (fixed
            per run), so the parameter space is C x 64 (512 or 640) instead of C x d (up to
            6,144); the head itself still reads all d features and gives p. The variance the
            projection keeps is logged (diag 'pca_var').
            DEVIATION (cold start): the authors start from a random labeled set; here the
            default's typical cold start (typical_batch) runs while no head over two classes
            exists, as for every rule paired against tm, so only the query rule differs.
  eer       Expected error reduction (Roy & McCallum, ICML 2001, "Toward optimal active learning
            through sampling estimation of error reduction"), log loss: for each candidate x and
            each label c the head is updated as if x had label c, and the candidate's score is
            sum_c p(c|x) * [pool log loss of the updated head] where the pool log loss is the
            entropy of the updated head's predictions summed over the unlabeled pool (their
            self-estimated log loss); the 10 candidates with the least expected loss are taken.
            DEVIATIONS (cost): candidates are the EER_MARGIN (100) least-sure unlabeled images by
            margin plus EER_RANDOM (50) other unlabeled images drawn at random (Roy & McCallum
            also scored a random sample of candidates); the loss is summed over at most
            EER_POOL (500) unlabeled images drawn at random each round (the same 500 for every
            candidate); the retrain is not a full refit but the exact optimum of a Laplace
            approximation of it: the old labels' loss is replaced by its second-order expansion at
            the current head (H, the head's Hessian at its optimum on the labels: class-balanced
            weights w_j, L2 1) and the new image's own loss is kept exact (newton_v: 12 Newton
            iterations with a line search in its C logits; the first full step equals one Newton
            step of the whole head); w is the class-balanced weight the image would get with
            label c (the other labels' weights are held). The bias is folded in as a constant
            feature of value 10 with the same L2 (so its L2 is 1/100 of the weights'; the head's
            bias has none). H^-1 is used in its dual (Woodbury) form when L < d + 1, else primal
            (Cholesky inverse); both give the same numbers (checked to 1e-13). A scratch check
            against a real warm-started refit on PBC 0.25 (40 labels) gave mean |probability
            error| 0.001-0.003 where the refit moved the probabilities by 0.010-0.016, and the
            pool entropy within 0.1-0.4 of the refit's (one plain Newton step overshot to 21
            against 55 for an unlikely label, hence the line search). Cold start: typical_batch,
            as for bait.
  eer01     the same with the expected 0/1 loss, sum over the pool of 1 - max_c p'(c).
  tm-eer    eer's expected log loss as the score, with the default's cap: at most one image per
            k-means cluster in a batch (least_sure_per_cluster; only the candidates are scored).

Each run writes lever-screen.py's JSON line (set, transform, strategy, seed, reference, target,
labels to 95% or null, accuracy curve, diagnostics, seconds) plus 'rounds'; diag 'qsec' is the
query time per round (seconds, the head's fit excluded).

  nice -n 10 python3 bench/study/screens/lever-screen.py pbc-mobilenet025-light none \
      random,margin,tm,tm#1,tm#2 0,1,2,3,4,5,6,7,8,9 1500 bench/.work/screens/screen5.jsonl
  nice -n 10 python3 bench/study/screens/screen5.py pbc-mobilenet025-light \
      bait,eer 0,1,2,3,4,5,6,7,8,9 1000 bench/.work/screens/screen5.jsonl
  python3 bench/study/screens/screen5.py --timing bench/.work/screens/screen5.jsonl
"""
import importlib.util, json, os, sys, time
import numpy as np
from scipy.special import softmax, logsumexp
from scipy.linalg import lapack

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('lever_screen', os.path.join(_here, 'lever-screen.py'))
ls = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(ls)
hs = ls.hs
BATCH = ls.BATCH
BAIT_DIM, BAIT_LAMBDA, BAIT_OVERSAMPLE = 64, 1.0, 2
EER_MARGIN, EER_RANDOM, EER_POOL, EER_BIAS, ALPHA, NEWTON_ITERS = 100, 50, 500, 10.0, 1.0, 12

# ---------- BAIT ----------
def rfactor(P):
    """R_x = diag(sqrt p)(I - 1 p^T) for every row: (n, C, C), R^T R = diag(p) - p p^T."""
    n, C = P.shape
    return np.sqrt(P)[:, :, None] * (np.eye(C)[None] - P[:, None, :])

def quad(X, R, N4):
    """V_x N V_x^T for V_x = R_x (x) x^T, N given as (C, r, C, r) blocks: (n, C, C)."""
    n, r = X.shape; C = R.shape[1]
    T = X @ N4.transpose(1, 0, 2, 3).reshape(r, C * C * r)            # (n, C*C*r): x^T N_ab
    K = np.einsum('nabj,nj->nab', T.reshape(n, C, C, r), X)           # x^T N_ab x
    return R @ K @ R.transpose(0, 2, 1)

def vmat(R, x):
    return np.kron(R, x[None, :])  # (C, C*r)

def fisher_mean(X, R):
    n, r = X.shape; C = R.shape[1]
    A = R.transpose(0, 2, 1) @ R                                       # diag(p) - p p^T
    Xw = A[:, :, :, None] * X[:, None, None, :]                         # (n, C, C, r)
    F4 = (X.T @ Xw.reshape(n, C * C * r)).reshape(r, C, C, r).transpose(1, 0, 2, 3) / n
    return np.ascontiguousarray(F4).reshape(C * r, C * r)

def apply_v(Xs, R, U):
    """V_x U for every row: U (C*r, k) -> (n, C, k); V_x u = R_x (u as C x r) x."""
    n, r = Xs.shape; C = R.shape[1]; k = U.shape[1]
    T = (Xs @ U.reshape(C, r, k).transpose(1, 0, 2).reshape(r, C * k)).reshape(n, C, k)
    return R @ T

def bait_select(Xu, Ru, F, init, L, K=BATCH, lamb=BAIT_LAMBDA):
    """The authors' select() (forward greedy 2K with Woodbury updates, then backward pruning to K),
    with every candidate's two quadratic forms V M^-1 V^T and V M^-1 F M^-1 V^T computed once per
    round and then updated by the same rank-C Woodbury step (the same numbers, in O(n C^3 r) a step
    instead of O(n C^2 r^2)); checked against bait_select_literal."""
    C = Ru.shape[1]; r = Xu.shape[1]; D = C * r
    Minv = np.linalg.inv(lamb * np.eye(D) + init * L / (L + K))
    s = np.sqrt(K / (L + K)); Xs = Xu * s
    I = np.eye(C); chosen = []
    Q1 = quad(Xs, Ru, Minv.reshape(C, r, C, r)); Q2 = quad(Xs, Ru, (Minv @ F @ Minv).reshape(C, r, C, r))
    def commit(j, sign):
        nonlocal Minv, Q1, Q2
        V = vmat(Ru[j], Xs[j]); U = Minv @ V.T                           # (D, C)
        W = np.linalg.inv(sign * I + V @ U)
        Y = Minv @ (F @ U)                                              # M^-1 F U
        a = apply_v(Xs, Ru, U); b = apply_v(Xs, Ru, Y)                  # (n, C, C)
        aW = a @ W
        Q1 = Q1 - aW @ a.transpose(0, 2, 1)
        Q2 = Q2 - aW @ b.transpose(0, 2, 1) - b @ aW.transpose(0, 2, 1) + aW @ (U.T @ F @ U) @ aW.transpose(0, 2, 1)
        Minv = Minv - U @ W @ U.T
    for _ in range(int(BAIT_OVERSAMPLE * K)):
        inner = np.linalg.inv(I[None] + Q1)
        tr = np.einsum('nab,nba->n', Q2, inner); tr[chosen] = -np.inf
        j = int(np.argmax(tr)); chosen.append(j); commit(j, 1.0)
    while len(chosen) > K:
        ch = np.array(chosen)
        inner = np.linalg.inv(-I[None] + Q1[ch])
        tr = np.einsum('nab,nba->n', Q2[ch], inner)
        d = int(np.argmin(-tr)); commit(chosen[d], -1.0); del chosen[d]
    return chosen

def bait_select_literal(Xu, Ru, F, init, L, K=BATCH, lamb=BAIT_LAMBDA):
    """The authors' select() transcribed (every candidate's two quadratic forms recomputed each step):
    the reference bait_select is checked against (same picks)."""
    C = Ru.shape[1]; r = Xu.shape[1]; D = C * r
    Minv = np.linalg.inv(lamb * np.eye(D) + init * L / (L + K))
    s = np.sqrt(K / (L + K)); Xs = Xu * s   # scaling X scales V_x (linear in x)
    I = np.eye(C); chosen = []
    for _ in range(int(BAIT_OVERSAMPLE * K)):
        G = Minv @ F @ Minv
        Q1 = quad(Xs, Ru, Minv.reshape(C, r, C, r)); Q2 = quad(Xs, Ru, G.reshape(C, r, C, r))
        inner = np.linalg.inv(I[None] + Q1)
        tr = np.einsum('nab,nba->n', Q2, inner)
        tr[chosen] = -np.inf
        j = int(np.argmax(tr)); chosen.append(j)
        V = vmat(Ru[j], Xs[j]); MV = Minv @ V.T
        Minv = Minv - MV @ np.linalg.inv(I + V @ MV) @ MV.T
    while len(chosen) > K:
        G = Minv @ F @ Minv
        Q1 = quad(Xs[chosen], Ru[chosen], Minv.reshape(C, r, C, r)); Q2 = quad(Xs[chosen], Ru[chosen], G.reshape(C, r, C, r))
        inner = np.linalg.inv(-I[None] + Q1)
        tr = np.einsum('nab,nba->n', Q2, inner)
        d = int(np.argmin(-tr))
        V = vmat(Ru[chosen[d]], Xs[chosen[d]]); MV = Minv @ V.T
        Minv = Minv - MV @ np.linalg.inv(-I + V @ MV) @ MV.T
        del chosen[d]
    return chosen

# ---------- expected error reduction ----------
def spd_inv(A):
    """Inverse of a symmetric positive definite matrix by Cholesky (LAPACK potrf/potri)."""
    c, info = lapack.dpotrf(A, lower=1)
    if info: return np.linalg.inv(A)
    inv, info = lapack.dpotri(c, lower=1)
    if info: return np.linalg.inv(A)
    return np.tril(inv) + np.tril(inv, -1).T

def hinv_blocks(Xt_lab, wl, Pl, Xt_cand, Xt_eval):
    """M[i, m] = (I (x) z_i^T) H^-1 (I (x) x_m) for eval rows i and candidates m, and S[m] = M[m, m]
    (the candidate against itself); H = ALPHA I + sum_j w_j A_j (x) x_j x_j^T. Dual or primal."""
    L, dt = Xt_lab.shape; C = Pl.shape[1]
    R = rfactor(Pl)                                                    # (L, C, C)
    if L * C < C * dt:
        # dual: H^-1 = (1/a)(I - V^T Kd^-1 V), V rows sqrt(w_j) R_j (x) x_j^T
        Psi = np.sqrt(wl)[:, None, None] * R
        Gll = Xt_lab @ Xt_lab.T
        VV = np.einsum('jab,kcb,jk->jakc', Psi, Psi, Gll).reshape(L * C, L * C)
        Kd = ALPHA * np.eye(L * C) + VV
        # N = Psi^T Kd^-1 Psi (blockdiag Psi), as (L, C, L, C)
        Kinv = spd_inv(Kd).reshape(L, C, L, C)
        N = np.einsum('jba,jbkc,kcd->jakd', Psi, Kinv, Psi, optimize=True)
        def blocks(Za, Zb):
            ga = Za @ Xt_lab.T; gb = Zb @ Xt_lab.T                     # (na, L), (nb, L)
            T = np.einsum('jakd,mk->jamd', N, gb, optimize=True)      # (L, C, nb, C)
            Mx = np.einsum('ij,jamd->imad', ga, T, optimize=True)     # (na, nb, C, C)
            return ((Za @ Zb.T)[:, :, None, None] * np.eye(C) - Mx) / ALPHA
        Sall = blocks(Xt_cand, Xt_cand); S = Sall[np.arange(len(Xt_cand)), np.arange(len(Xt_cand))]
        return blocks, S
    A = R.transpose(0, 2, 1) @ R
    Xw = (wl[:, None, None] * A)[:, :, :, None] * Xt_lab[:, None, None, :]          # (L, C, C, dt)
    H = (Xt_lab.T @ Xw.reshape(L, C * C * dt)).reshape(dt, C, C, dt).transpose(1, 0, 2, 3).reshape(C * dt, C * dt)
    H += ALPHA * np.eye(C * dt)
    Hinv = spd_inv(H).reshape(C, dt, C, dt)
    def blocks(Za, Zb):
        T = np.einsum('aibk,mk->aimb', Hinv, Zb, optimize=True)
        return np.einsum('ni,aimb->nmab', Za, T, optimize=True)
    S = np.einsum('mi,aimb->mab', Xt_cand, np.einsum('aibk,mk->aimb', Hinv, Xt_cand, optimize=True), optimize=True)
    return blocks, S

def newton_v(lc, S, wc, C, iters=NEWTON_ITERS):
    """The new image's own loss kept exact, the old labels' loss at its second-order expansion at
    the current head (H): the updated head is theta + delta, delta = -H^-1 (I (x) x) v, where
    d = -S v is the change of x's own logits and d minimises the strictly convex
    f(d) = 1/2 d^T S^-1 d + w_c (logsumexp(l_x + d) - (l_x + d)_c); v = w_c (softmax(l_x + d) - e_c).
    Newton in C dims with a grid line search (step 1, 1/2, ..., 1/64 or none: the best f), so f never
    rises; the first full step is the one Newton step of the whole head. Returns v: (m, C label, C)."""
    m = len(lc); I = np.eye(C)
    Sinv = np.linalg.inv(S + 1e-9 * I)[:, None]                         # (m, 1, C, C)
    W = wc[None, :, None]                                               # (1, C label, 1)
    E = I[None]                                                         # e_c for label c: (1, C, C)
    def f(d):
        l = lc[:, None, :] + d
        return 0.5 * np.einsum('mca,mcab,mcb->mc', d, np.broadcast_to(Sinv, (m, C, C, C)), d) + wc[None] * (logsumexp(l, axis=2) - l[:, np.arange(C), np.arange(C)])
    d = np.zeros((m, C, C)); fd = f(d)
    ts = np.array([1, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0])
    for _ in range(iters):
        p = softmax(lc[:, None, :] + d, axis=2)                         # (m, C label, C)
        g = (Sinv @ d[..., None])[..., 0] + W * (p - E)
        A = p[..., :, None] * I - p[..., :, None] * p[..., None, :]
        Hd = Sinv + W[..., None] * A
        step = -np.linalg.solve(Hd, g[..., None])[..., 0]
        cands = np.stack([f(d + t * step) for t in ts])                 # (T, m, C)
        best = ts[cands.argmin(0)]
        d = d + best[..., None] * step; fd = cands.min(0)
    p = softmax(lc[:, None, :] + d, axis=2)
    return W * (p - E)

def eer_scores(Zt, labarr, ylab, C, theta, cand, evalrows, loss='log'):
    aug = lambda rows: np.hstack([Zt[rows], np.full((len(rows), 1), EER_BIAS)])
    Xl, Xc, Xe = aug(labarr), aug(cand), aug(evalrows)
    Pl = hs.predict(theta, Zt[labarr], C); Pc = hs.predict(theta, Zt[cand], C)
    le = ls.logits(theta, Zt[evalrows], C)
    wl = hs.balanced(ylab, C)
    blocks, S = hinv_blocks(Xl, wl, Pl, Xc, Xe)
    # the weight each candidate would get with label c (the others' weights held)
    cnt = np.bincount(ylab, minlength=C).astype(float); Lp = len(ylab) + 1
    wc = np.array([Lp / (((cnt > 0) | (np.arange(C) == c)).sum() * (cnt[c] + 1)) for c in range(C)])
    lc = ls.logits(theta, Zt[cand], C)
    V = newton_v(lc, S, wc, C)                                         # (m, C label, C)
    scores = np.zeros(len(cand))
    for m0 in range(0, len(cand), 25):
        ms = range(m0, min(m0 + 25, len(cand)))
        M = blocks(Xe, Xc[m0:ms.stop])                                 # (ne, mb, C, C)
        dl = -np.einsum('imab,mcb->imca', M, V[m0:ms.stop], optimize=True)  # (ne, mb, C label, C logit)
        lg = le[:, None, None, :] + dl
        lg -= lg.max(3, keepdims=True); p = np.exp(lg); z = p.sum(3, keepdims=True)
        p /= z; lp = lg - np.log(z)
        per = -(p * lp).sum(3) if loss == 'log' else 1 - p.max(3)       # (ne, mb, C)
        scores[m0:ms.stop] = (per.sum(0) * Pc[m0:ms.stop]).sum(1)
    return scores

# ---------- one run (lever-screen.run's loop, for these rules) ----------
def run(X, Zt, E, y, C, strategy, seed, target, max_labels):
    test, pool, order = ls.split(y, C, seed)
    name, _, salt = strategy.partition('#')
    rng = np.random.default_rng([seed, 0x5c2] + ([int(salt)] if salt else []))
    lab = []; accs = []; theta = None; diag = {'qsec': []}
    if name == 'bait':
        Zp = Zt[pool] - Zt[pool].mean(0)
        _, sv, Vt = np.linalg.svd(Zp, full_matrices=False)
        Proj = Vt[:BAIT_DIM].T; diag['pca_var'] = [float((sv[:BAIT_DIM] ** 2).sum() / (sv ** 2).sum())]
        Xb = Zt @ Proj
    while len(lab) < max_labels:
        t0 = time.time()
        labarr = np.array(lab, int); is_lab = np.isin(pool, labarr); unl = pool[~is_lab]
        classifier = theta is not None and len(set(y[labarr])) >= 2
        if not classifier:
            picks = ls.typical_batch(E, pool, labarr, rng)
        elif name == 'bait':
            Pp = hs.predict(theta, Zt[pool], C); Rp = rfactor(Pp)
            F = fisher_mean(Xb[pool], Rp)
            pos_l = np.searchsorted(pool, labarr); pos_u = np.where(~is_lab)[0]
            init = fisher_mean(Xb[labarr], Rp[pos_l])
            ch = bait_select(Xb[unl], Rp[pos_u], F, init, len(labarr))
            picks = [int(unl[j]) for j in ch]
        elif name in ('eer', 'eer01', 'tm-eer'):
            P = hs.predict(theta, Zt[unl], C); mg = ls.margin_of(P)
            top = unl[np.lexsort((unl, -mg))[:EER_MARGIN]]
            rest = np.setdiff1d(unl, top)
            cand = np.concatenate([top, rng.choice(rest, min(EER_RANDOM, len(rest)), replace=False)])
            evalrows = unl if len(unl) <= EER_POOL else np.sort(rng.choice(unl, EER_POOL, replace=False))
            sc = eer_scores(Zt, labarr, y[labarr], C, theta, cand, evalrows, '01' if name == 'eer01' else 'log')
            if name == 'tm-eer':
                score = np.full(len(unl), -np.inf); score[np.searchsorted(unl, cand)] = -sc
                picks = ls.least_sure_per_cluster(E, pool, labarr, unl, score, rng)
            else:
                picks = [int(r) for r in cand[np.lexsort((cand, sc))[:BATCH]]]
                diag.setdefault('from_margin', []).append(float(np.isin(picks, top).mean()))
        else:
            raise ValueError(strategy)
        if classifier: diag['qsec'].append(time.time() - t0)
        lab += [int(r) for r in picks]
        labarr = np.array(lab, int); ylab = y[labarr]
        if len(set(ylab)) < 2: accs.append(None); continue
        theta = ls.fit_rows(Zt, labarr, ylab, C, W0=theta)
        acc = float((hs.predict(theta, Zt[test], C).argmax(1) == y[test]).mean()); accs.append(acc)
        if acc >= target: break
    reached = accs[-1] is not None and accs[-1] >= target
    return (len(lab) if reached else None), accs, {k: v for k, v in diag.items() if v}

def timing(files):
    """Per set and strategy: mean seconds per round (whole run / rounds, the head's fits included)
    and the mean query seconds per round where logged (diag qsec)."""
    rows = [json.loads(l) for f in files for l in open(f)]
    print('| set | strategy | runs | s per round (mean) | query s per round (mean) |\n|---|---|---|---|---|')
    for s_ in dict.fromkeys(r['set'] for r in rows):
        for st in dict.fromkeys(r['strategy'] for r in rows if r['set'] == s_):
            rs = [r for r in rows if r['set'] == s_ and r['strategy'] == st]
            q = [r['diag']['qsec'][0] for r in rs if 'qsec' in r['diag']]
            print(f"| {s_} | {st} | {len(rs)} | {np.mean([r['seconds'] / len(r['accs']) for r in rs]):.2f} | {f'{np.mean(q):.2f}' if q else '–'} |")

if __name__ == '__main__' and sys.argv[1] == '--timing':
    timing(sys.argv[2:])
elif __name__ == '__main__':
    sid, strategies, seeds, max_labels, out = sys.argv[1], sys.argv[2].split(','), [int(s) for s in sys.argv[3].split(',')], int(sys.argv[4]), sys.argv[5]
    X, y, C = hs.load(sid)
    Zt = ls.standardise(X); E = ls.pool_embedding(X)
    for seed in seeds:
        ref = ls.reference(Zt, y, C, seed); target = 0.95 * ref
        for strategy in strategies:
            t0 = time.time()
            L, accs, diag = run(X, Zt, E, y, C, strategy, seed, target, max_labels)
            row = {'set': sid, 'transform': 'none', 'strategy': strategy, 'seed': seed, 'reference': ref, 'target': target,
                   'labels': L, 'accs': accs, 'diag': {k: [float(np.mean(v)), float(np.min(v)), float(np.max(v))] for k, v in diag.items()},
                   'seconds': round(time.time() - t0, 1), 'rounds': len(accs)}
            with open(out, 'a') as f: f.write(json.dumps(row) + '\n')
            print(sid, strategy, seed, f'ref {ref:.3f}', 'L95', L, f'{row["seconds"]}s', row['diag'], flush=True)
