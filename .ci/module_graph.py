#!/usr/bin/env python3
"""The module dependency graph of src/: an edge A -> B when A's code (not its tests
or comments) names crate::B, super::B or `use crate::x::{B, ...}`. Prints every
circle (strongly connected component) between modules, and between folders (a
top-level module with all below it: read, rules, score, aggregate, write...), and
exits 1 if there is one. `--folders` prints the folder-level edges."""
import os,re,sys
root=os.path.join(os.path.dirname(os.path.abspath(__file__)),'..','src')
mods={}
for dp,dn,fn in os.walk(root):
    for f in fn:
        if f.endswith('.rs'):
            p=os.path.join(dp,f); rel=os.path.relpath(p,root)[:-3]
            parts=rel.split('/')
            if parts[-1] in('mod','lib','main'): parts=parts[:-1]
            mods['::'.join(parts)]=open(p).read()
names=set(mods)
def resolve(path):
    parts=path.split('::')
    for k in range(len(parts),0,-1):
        m='::'.join(parts[:k])
        if m in names: return m
    return None
edges={m:set() for m in mods}
for m,src in mods.items():
    # strip test modules
    src=re.split(r'#\[cfg\(test\)\]\s*mod tests',src)[0]
    src=re.sub(r'//[^\n]*','',src)
    for mm in re.finditer(r'crate::((?:\w+::)*\w+)',src):
        t=resolve(mm.group(1))
        if t and t!=m and not m.startswith(t+'::') : edges[m].add(t)
    for mm in re.finditer(r'\bsuper::((?:\w+::)*\w+)',src):
        base=m.split('::')[:-1]
        t=resolve('::'.join(base+[mm.group(1)]) if base else mm.group(1))
        if t and t!=m and not m.startswith(t+'::'): edges[m].add(t)
    # use crate::x::{a, b}
    for mm in re.finditer(r'use crate::(\w+(?:::\w+)*)::\{([^}]*)\}',src):
        for item in mm.group(2).split(','):
            item=item.strip().split(' ')[0].split('::')[0]
            if item and item!='self':
                t=resolve(mm.group(1)+'::'+item)
                if t and t!=m and not m.startswith(t+'::'): edges[m].add(t)
# Tarjan SCC
sys.setrecursionlimit(10000)
def circles(edges):
  idx={};low={};st=[];on=set();out=[];c=[0]
  def sc(v):
    idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        comp=[]
        while True:
            w=st.pop();on.discard(w);comp.append(w)
            if w==v:break
        out.append(comp)
  for v in edges:
    if v not in idx: sc(v)
  return [c for c in out if len(c)>1]
def report(edges,cyc,what):
  for c in cyc:
    print('CYCLE ('+what+'):',' '.join(sorted(c)))
    for a in sorted(c):
        for b in sorted(edges[a]):
            if b in c: print('   ',a,'->',b)
cyc=circles(edges)
report(edges,cyc,'modules')
top=lambda m: m.split('::')[0]
folders={top(m):set() for m in mods if m}
for a,bs in edges.items():
    for b in bs:
        if a and b and top(a)!=top(b): folders[top(a)].add(top(b))
fcyc=circles(folders)
report(folders,fcyc,'folders')
if '--folders' in sys.argv:
    for f in sorted(folders): print(f,'->',' '.join(sorted(folders[f])))
print(len(mods),'modules,',sum(len(e) for e in edges.values()),'edges,',len(cyc),'cycles;',len(folders),'folders,',sum(len(e) for e in folders.values()),'edges,',len(fcyc),'cycles')
sys.exit(1 if cyc or fcyc else 0)
