# SPDX-License-Identifier: BSD-3-Clause
"""The architecture's rules, checked on the sources and the library's objects:
  1. kernels/rules/ headers include only other rules headers, radx.h and system headers
     (both compilers include them; nothing from host/);
  2. the command line (host/cli) includes only radx.h, its own headers and system headers;
  3. the #include graph of host/ and kernels/ has no cycle;
  4. no two object files of the library depend on each other, directly or through others
     (a symbol defined in one and used in the other, from `nm`);
  5. no function in host/ or kernels/ is longer than 150 lines (a line starting with '{'
     to the next starting with '}').
Prints what it checked and every breach; exit 1 on a breach.
    python3 tests/check_layout.py SOURCE_DIR [OBJECT_FILES;...]"""
import collections
import os
import re
import subprocess
import sys

MAX_FUNCTION_LINES = 150
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def sources(root, folders, exts):
    for f in folders:
        for d, _, names in os.walk(os.path.join(root, f)):
            for n in sorted(names):
                if n.endswith(exts):
                    yield os.path.relpath(os.path.join(d, n), root)


def includes(root, path):
    return [(q, name) for q, name in INCLUDE.findall(open(os.path.join(root, path), encoding='utf-8').read())]


def cycles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(100000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def check_includes(root, breaches):
    rules = list(sources(root, ['kernels/rules'], ('.h',)))
    for f in rules:
        for q, name in includes(root, f):
            if q == '"' and not (name.startswith('rules/') or name == 'radx.h'):
                breaches.append('%s includes "%s": rules headers include only rules/ and radx.h' % (f, name))
    cli = list(sources(root, ['host/cli'], ('.c', '.h')))
    own = {os.path.basename(f) for f in cli}
    for f in cli:
        for q, name in includes(root, f):
            if q == '"' and name != 'radx.h' and name not in own:
                breaches.append('%s includes "%s": the CLI sees include/radx.h only' % (f, name))
    # the include graph: a quoted name resolves against host/, kernels/, include/ or the file's folder
    files = list(sources(root, ['host', 'kernels', 'include'], ('.c', '.h', '.cu', '.cuh')))
    known = set(files)
    edges = collections.defaultdict(set)
    for f in files:
        for q, name in includes(root, f):
            if q != '"':
                continue
            for base in (os.path.dirname(f), 'host', 'kernels', 'include'):
                cand = os.path.normpath(os.path.join(base, name))
                if cand in known:
                    edges[f].add(cand)
                    break
    for c in cycles(edges):
        breaches.append('#include cycle: ' + ' -> '.join(c))
    print('checked %d rules headers, %d CLI files, the #include graph of %d files' % (len(rules), len(cli), len(files)))


def check_objects(objects, breaches):
    defined, used = {}, collections.defaultdict(set)
    for o in objects:
        out = subprocess.run(['nm', o], capture_output=True, text=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'TDRBC':
                defined[p[2]] = o
            elif len(p) == 2 and p[0] == 'U':
                used[o].add(p[1])
    edges = collections.defaultdict(set)
    for o, names in used.items():
        for s in names:
            if s in defined and defined[s] != o:
                edges[o].add(defined[s])
    short = lambda o: re.sub(r'.*\.dir/', '', o).replace('.o', '')
    for c in cycles(edges):
        breaches.append('files depend on each other: ' + ', '.join(short(o) for o in c))
    print('checked the symbol dependencies of %d object files' % len(objects))


def check_lengths(root, breaches):
    n = 0
    for f in sources(root, ['host', 'kernels'], ('.c', '.h', '.cu', '.cuh')):
        lines = open(os.path.join(root, f), encoding='utf-8').read().split('\n')
        start = None
        for i, line in enumerate(lines):
            if line.startswith('{') and start is None:
                start = i
            elif line.startswith('}') and start is not None:
                n += 1
                if i - start + 1 > MAX_FUNCTION_LINES:
                    j = start - 1
                    while j > 0 and '(' not in lines[j]:
                        j -= 1
                    breaches.append('%s:%d: %d lines (at most %d): %s' %
                                    (f, j + 1, i - start + 1, MAX_FUNCTION_LINES, lines[j].strip()[:60]))
                start = None
    print('checked the length of %d functions' % n)


def main():
    root = sys.argv[1]
    objects = [o for o in (sys.argv[2] if len(sys.argv) > 2 else '').split(';') if o.endswith('.o')]
    breaches = []
    check_includes(root, breaches)
    if objects:
        check_objects(objects, breaches)
    check_lengths(root, breaches)
    for b in breaches:
        print('BREACH: ' + b)
    print('check_layout: %d breach(es)' % len(breaches))
    return 1 if breaches else 0


if __name__ == '__main__':
    sys.exit(main())
