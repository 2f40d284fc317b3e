"""Offline screen of light-head variants on cached features (not the app's loop; numpy/scipy,
Debian python3-numpy python3-scipy): a re-implementation of the light head (multinomial
logistic regression on pool-standardised features, class-balanced, L2 alpha on the summed
loss, L-BFGS), a stratified 30% test split per seed, a random cold start, then random or
margin batches of 10 (STRATS=random,margin,cbmargin,idmargin), each curve run until 95% of its own
all-labels accuracy. Head variants: base (alpha 1), a:<alpha>, cv (alpha by 3-fold
cross-validation on a half-decade grid), cv100 (cv from 100 labels), st:<tau>:<w>
(self-training: unlabeled pool images the head gives >= tau, weight w, class-balanced, one refit).

  npx tsx bench/study/screens/dump-features.mts pbc-mobilenet025-light
  STRATS=random,margin /usr/bin/python3 bench/study/screens/head-screen.py pbc-mobilenet025-light base,st:0.9:1 5 800
"""
import numpy as np, json, sys
from scipy.optimize import minimize
from scipy.special import logsumexp, softmax

def load(id):
    meta=json.load(open(f'bench/.work/screens/{id}.json'))
    y=np.fromfile(f'bench/.work/screens/{id}.labels.i32',dtype=np.int32)
    X=np.fromfile(f'bench/.work/screens/{id}.b.f32',dtype=np.float32).reshape(len(y),-1).astype(np.float64)
    return X,y,len(meta['classes'])

def fit(Z,y,C,w,alpha=1.0,W0=None):
    n,d=Z.shape
    Y=np.eye(C)[y]
    def f(theta):
        W=theta[:d*C].reshape(d,C); b=theta[d*C:]
        L=Z@W+b
        lse=logsumexp(L,axis=1)
        loss=np.sum(w*(lse-np.sum(L*Y,1)))+0.5*alpha*np.sum(W*W)
        P=np.exp(L-lse[:,None]); G=(P-Y)*w[:,None]
        gW=Z.T@G+alpha*W; gb=G.sum(0)
        return loss,np.concatenate([gW.ravel(),gb])
    x0=np.zeros(d*C+C) if W0 is None else W0
    r=minimize(f,x0,jac=True,method='L-BFGS-B',options={'maxiter':500,'gtol':1e-6})
    return r.x

def predict(theta,Z,C):
    d=Z.shape[1]; W=theta[:d*C].reshape(d,C); b=theta[d*C:]
    return softmax(Z@W+b,axis=1)

def balanced(y,C):
    cnt=np.bincount(y,minlength=C).astype(float); present=(cnt>0).sum()
    wc=np.where(cnt>0,len(y)/(present*np.maximum(cnt,1)),0); return wc[y]

GRID=[0.3,1,3,10,30,100]
def cv_alpha(Z,y,C,k=3):
    n=len(y); fold=np.zeros(n,int)
    for c in range(C):
        idx=np.where(y==c)[0]
        fold[idx]=np.arange(len(idx))%k
    best=None
    for a in GRID:
        ll=0
        for f in range(k):
            tr=fold!=f; te=fold==f
            if te.sum()==0 or len(set(y[tr]))<2: continue
            th=fit(Z[tr],y[tr],C,balanced(y[tr],C),alpha=a)
            P=predict(th,Z[te],C)
            ll+=np.sum(balanced(y,C)[te]*-np.log(np.maximum(P[np.arange(te.sum()),y[te]],1e-12)))
        if best is None or ll<best[0]: best=(ll,a)
    return best[1]
def head(Z,lab,ylab,C,variant,pool_unl,theta0=None):
    w=balanced(ylab,C)
    if variant=='cv100':
        a=cv_alpha(Z[lab],ylab,C) if len(ylab)>=100 else 1.0
        return fit(Z[lab],ylab,C,w,alpha=a)
    if variant=='cv':
        a=cv_alpha(Z[lab],ylab,C)
        return fit(Z[lab],ylab,C,w,alpha=a)
    if variant.startswith('a:'):
        return fit(Z[lab],ylab,C,w,alpha=float(variant[2:]))
    th=fit(Z[lab],ylab,C,w,W0=theta0)
    if variant=='base': return th
    P=predict(th,Z[pool_unl],C)
    if variant.startswith('st'):
        # self-training: confident pseudo-labels, weighted
        tau=float(variant.split(':')[1]); wt=float(variant.split(':')[2])
        conf=P.max(1); pick=conf>=tau
        ids=pool_unl[pick]; yp=P[pick].argmax(1)
        Zall=np.vstack([Z[lab],Z[ids]]); yall=np.concatenate([ylab,yp])
        wall=np.concatenate([w,wt*balanced(yp,C) if len(yp) else np.zeros(0)])
        return fit(Zall,yall,C,wall,W0=th)
    raise ValueError(variant)

def run(X,y,C,strategy,variant,seed,batch=10,max_labels=800,target=None):
    rng=np.random.default_rng(seed)
    n=len(y)
    # stratified 30% test
    test=[]
    for c in range(C):
        idx=np.where(y==c)[0]; rng.shuffle(idx); test+=list(idx[:int(round(0.3*len(idx)))])
    test=np.array(sorted(test)); pool=np.setdiff1d(np.arange(n),test)
    mu=X.mean(0); sd=X.std(0); sd[sd<1e-6]=1; Z=(X-mu)/sd
    global DENS
    if strategy=='idmargin':
        E=Z/np.linalg.norm(Z,axis=1,keepdims=True); S=E@E.T
        k=20; top=np.sort(S,axis=1)[:,-k-1:-1]; DENS=np.maximum(top.mean(1),0)
    lab=[]; accs=[]; th=None
    order=rng.permutation(pool)
    while len(lab)<max_labels:
        unl=np.setdiff1d(pool,lab)
        if strategy=='random' or th is None or len(set(y[lab]))<2:
            # random cold start
            cand=[i for i in order if i not in set(lab)][:batch]
        elif strategy=='idmargin':
            P=predict(th,Z[unl],C); s=np.sort(P,1); m=s[:,-1]-s[:,-2]
            score=(1-m)*DENS[unl]
            cand=list(unl[np.argsort(-score,kind='stable')[:batch]])
        elif strategy=='cbmargin':
            P=predict(th,Z[unl],C); s=np.sort(P,1); m=s[:,-1]-s[:,-2]; pc=P.argmax(1)
            cnt=np.bincount(y[lab],minlength=C)
            order_m=np.argsort(m,kind='stable'); cand=[]; used=set()
            queues={c:[i for i in order_m if pc[i]==c] for c in range(C)}
            cls=sorted(range(C),key=lambda c:(cnt[c],c))
            while len(cand)<batch:
                progressed=False
                for c in cls:
                    if len(cand)>=batch: break
                    q=queues[c]
                    if q: cand.append(unl[q.pop(0)]); progressed=True
                if not progressed: break
        else:
            P=predict(th,Z[unl],C); s=np.sort(P,1); m=s[:,-1]-s[:,-2]
            cand=list(unl[np.argsort(m,kind='stable')[:batch]])
        lab+=list(cand)
        labarr=np.array(lab); ylab=y[labarr]
        if len(set(ylab))<2: accs.append(np.nan); continue
        unl=np.setdiff1d(pool,lab)
        th=head(Z,labarr,ylab,C,variant,unl)
        acc=(predict(th,Z[test],C).argmax(1)==y[test]).mean(); accs.append(acc)
        if target is not None and acc>=target: break
    return accs

def cvref(X,y,C,seed):
    rng=np.random.default_rng(seed); n=len(y); test=[]
    for c in range(C):
        idx=np.where(y==c)[0]; rng.shuffle(idx); test+=list(idx[:int(round(0.3*len(idx)))])
    test=np.array(sorted(test)); pool=np.setdiff1d(np.arange(n),test)
    mu=X.mean(0); sd=X.std(0); sd[sd<1e-6]=1; Z=(X-mu)/sd
    a=cv_alpha(Z[pool],y[pool],C); print('cv all-labels alpha',a,flush=True); return a
def alllabels(X,y,C,seed,alpha=1.0):
    rng=np.random.default_rng(seed); n=len(y); test=[]
    for c in range(C):
        idx=np.where(y==c)[0]; rng.shuffle(idx); test+=list(idx[:int(round(0.3*len(idx)))])
    test=np.array(sorted(test)); pool=np.setdiff1d(np.arange(n),test)
    mu=X.mean(0); sd=X.std(0); sd[sd<1e-6]=1; Z=(X-mu)/sd
    th=fit(Z[pool],y[pool],C,balanced(y[pool],C),alpha=alpha)
    return (predict(th,Z[test],C).argmax(1)==y[test]).mean()

STRATS=['random','margin']
if __name__=='__main__':
    import os
    STRATS=os.environ.get('STRATS','random,margin').split(',')
    id=sys.argv[1]; variants=sys.argv[2].split(','); seeds=int(sys.argv[3]); maxl=int(sys.argv[4])
    X,y,C=load(id)
    for seed in range(seeds):
        out=[]
        for v in variants:
          ref=alllabels(X,y,C,seed,float(v[2:]) if v.startswith('a:') else (cvref(X,y,C,seed) if v.startswith('cv') else 1.0)); tgt=0.95*ref
          out.append(f'ref {ref:.3f}')
          for strat in STRATS:
                a=run(X,y,C,strat,v,seed,max_labels=maxl,target=tgt)
                L=(len(a)*10) if a and a[-1]>=tgt else None
                alc=np.nanmean(a[:20])
                out.append(f'{strat}/{v}: L95={L} alc20={alc:.3f}')
        print(id,'seed',seed,' | '.join(out),flush=True)
