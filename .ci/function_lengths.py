#!/usr/bin/env python3
"""Functions in src/ longer than the limit (default 60 lines, from `fn` to its
closing brace), test modules aside, and data tables: a function whose line above
says `// A data table` (a match of names, say) is not counted. Prints each, longest first, and exits 1 if
there is one. `--top N` lists the N longest instead and exits 0."""
import os, re, sys

LIMIT = 60
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
FN = re.compile(r'^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"C"\s+)?fn\s+(\w+)')


def code_only(line, in_block):
    """The line without comments, string and char literals (braces in them do not count)."""
    out, i, n = [], 0, len(line)
    while i < n:
        if in_block:
            end = line.find('*/', i)
            if end < 0:
                return ''.join(out), True
            i, in_block = end + 2, False
            continue
        c = line[i]
        if line.startswith('//', i):
            break
        if line.startswith('/*', i):
            in_block, i = True, i + 2
            continue
        if c == '"' or (c == 'r' and re.match(r'r#*"', line[i:])):
            m = re.match(r'r(#*)"', line[i:])
            if m:
                close = '"' + m.group(1)
                end = line.find(close, i + len(m.group(0)))
                i = n if end < 0 else end + len(close)
            else:
                j = i + 1
                while j < n and line[j] != '"':
                    j += 2 if line[j] == '\\' else 1
                i = j + 1
            continue
        if c == "'" and re.match(r"'(\\.|[^\\'])'", line[i:]):
            i += len(re.match(r"'(\\.[^']*|[^\\'])'", line[i:]).group(0))
            continue
        out.append(c)
        i += 1
    return ''.join(out), in_block


def functions(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    # Test modules are not counted.
    cut = next((k for k, l in enumerate(lines) if re.match(r'\s*#\[cfg\(test\)\]', l)
                and k + 1 < len(lines) and re.match(r'\s*mod \w+', lines[k + 1])), len(lines))
    stack, depth, in_block, multi_string = [], 0, False, False
    for k, raw in enumerate(lines[:cut]):
        m = FN.match(raw)
        code, in_block = code_only(raw, in_block)
        if m and not code.rstrip().endswith(';'):
            table = any(l.strip() == '// A data table' for l in lines[max(0, k - 1):k])
            stack.append((None if table else m.group(1), k, depth))
        for ch in code:
            if ch == '{':
                depth += 1
            elif ch == '}':
                depth -= 1
                while stack and stack[-1][2] == depth and depth >= 0:
                    name, start, _ = stack.pop()
                    if name is not None:
                        yield name, start + 1, k - start + 1
                    break


def main():
    found = []
    for dp, _, fns in os.walk(root):
        for f in fns:
            if f.endswith('.rs'):
                p = os.path.join(dp, f)
                rel = os.path.relpath(p, os.path.join(root, '..'))
                found += [(n, rel, line, name) for name, line, n in functions(p)]
    found.sort(key=lambda t: (-t[0], t[1], t[2]))
    if len(sys.argv) > 2 and sys.argv[1] == '--top':
        for n, rel, line, name in found[:int(sys.argv[2])]:
            print(f'{n:4} lines  {rel}:{line}  {name}')
        return 0
    over = [t for t in found if t[0] > LIMIT]
    for n, rel, line, name in over:
        print(f'{n:4} lines  {rel}:{line}  {name}  (over {LIMIT})')
    print(f'{len(found)} functions, {len(over)} over {LIMIT} lines, longest {found[0][0] if found else 0}')
    return 1 if over else 0


sys.exit(main())
