# Assembles README.md from docs/readme/{header,performance,footer}.md and the module docs in docs/.
# usage: python3 docs/readme/build.py
import re, pathlib
root = pathlib.Path(__file__).resolve().parents[2]
parts = [(root/'docs/readme/header.md').read_text()]
perf = root/'docs/readme/performance.md'
if perf.exists(): parts.append(perf.read_text())
order = [('server.md','The server'),('client.md','The Java SDK'),('web.md','Browser components and the demo'),
         ('engine.md','The offline engine'),('core.md','The audio core and the speech session SPI')]
for fn, title in order:
    p = root/'docs'/fn
    if not p.exists(): continue
    text = p.read_text()
    lines = text.splitlines()
    # normalise: the first heading becomes '## title', deeper ones shift to keep relative depth
    first = next(i for i,l in enumerate(lines) if l.startswith('#'))
    base = len(lines[first]) - len(lines[first].lstrip('#'))
    out = ['## ' + title, '']
    in_code = False
    for l in lines[first+1:]:
        if l.startswith('```'): in_code = not in_code
        if not in_code and re.match(r'^#+ ', l):
            d = len(l) - len(l.lstrip('#'))
            l = '#' * max(3, d - base + 2) + l[d:]
        # links/images relative to docs/ become relative to the root
        l = re.sub(r'\]\((?!https?:|#|docs/|/)([^)]+\.(?:png|md))\)', r'](docs/\1)', l)
        out.append(l)
    parts.append('\n'.join(out).rstrip() + '\n')
tail = root/'docs/readme/footer.md'
if tail.exists(): parts.append(tail.read_text())
(root/'README.md').write_text('\n'.join(parts))
print(len((root/'README.md').read_text().splitlines()), 'lines')
