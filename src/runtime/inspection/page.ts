/**
 * The inspection page at `/`: one self-contained HTML document (no build step, no CDN; it works
 * offline). It long-polls `/actors?waitMs=1000` and draws the actors as a graph — the pipeline's edges
 * when the endpoint knows them, the supervision tree otherwise — with live mailbox depths and rates,
 * crashed and restarting actors coloured; clicking one shows its state, snapshot and recent events.
 */
export const INSPECTION_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>troupe</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh;color:#222}
#graph{flex:2;overflow:auto;border-right:1px solid #ccc}#details{flex:1;overflow:auto;padding:12px}
.actor rect{fill:#eef5ff;stroke:#4a7bd0;rx:6}.actor.restarting rect,.actor.failed rect{fill:#ffe0e0;stroke:#d04a4a}
.actor.supervisor rect{fill:#f4f4f4;stroke:#888}.actor.selected rect{stroke-width:3}.actor{cursor:pointer}
.actor text{font-size:12px}.edge{stroke:#999;fill:none;marker-end:url(#arrow)}pre{font-size:12px;white-space:pre-wrap}
h1{font-size:16px;margin:8px 12px}
</style></head><body>
<div id="graph"><h1>troupe — actors</h1><svg id="svg" width="1200" height="800"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#999"/></marker></defs><g id="edges"></g><g id="nodes"></g></svg></div>
<div id="details"><p>Click an actor.</p></div>
<script>
const W = 190, H = 54, GX = 230, GY = 74;
let selected = null;
function layers(actors, edges) {
  const paths = actors.map(a => a.path);
  const depth = new Map(paths.map(p => [p, 0]));
  if (edges.length > 0) {
    for (let i = 0; i < paths.length; i++) for (const e of edges) if (depth.has(e.from) && depth.has(e.to)) depth.set(e.to, Math.max(depth.get(e.to), depth.get(e.from) + 1));
    for (const a of actors) if (a.kind === 'supervisor') depth.set(a.path, -1);
  } else {
    for (const p of paths) depth.set(p, p === '/' ? 0 : p.split('/').length - 1);
  }
  return depth;
}
function draw(data) {
  const { actors, edges } = data;
  const depth = layers(actors, edges);
  const columns = new Map();
  const pos = new Map();
  for (const a of actors) {
    const d = depth.get(a.path) + 1;
    const row = columns.get(d) || 0; columns.set(d, row + 1);
    pos.set(a.path, { x: 10 + d * GX, y: 10 + row * GY });
  }
  const nodes = document.getElementById('nodes');
  nodes.innerHTML = '';
  for (const a of actors) {
    const p = pos.get(a.path);
    const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    g.setAttribute('class', 'actor ' + a.kind + ' ' + a.status + (a.path === selected ? ' selected' : ''));
    g.setAttribute('data-path', a.path);
    g.setAttribute('transform', 'translate(' + p.x + ',' + p.y + ')');
    g.innerHTML = '<rect width="' + W + '" height="' + H + '"></rect>' +
      '<text x="8" y="16">' + a.path + '</text>' +
      '<text x="8" y="32">' + a.status + ' · ' + a.thread + ' · ' + JSON.stringify(a.state) + '</text>' +
      '<text x="8" y="47">mailbox ' + a.mailbox.depth + '/' + a.mailbox.capacity + ' · ' + a.messagesPerSecond + '/s · restarts ' + a.restarts + '</text>';
    g.addEventListener('click', () => { selected = a.path; show(a.path); });
    nodes.appendChild(g);
  }
  const lines = document.getElementById('edges');
  lines.innerHTML = '';
  for (const e of edges) {
    const f = pos.get(e.from), t = pos.get(e.to);
    if (!f || !t) continue;
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('class', 'edge');
    path.setAttribute('d', 'M' + (f.x + W) + ',' + (f.y + H / 2) + ' C' + (f.x + W + 30) + ',' + (f.y + H / 2) + ' ' + (t.x - 30) + ',' + (t.y + H / 2) + ' ' + t.x + ',' + (t.y + H / 2));
    lines.appendChild(path);
  }
}
async function show(path) {
  const response = await fetch('/actors' + path);
  const body = await response.json();
  const details = document.getElementById('details');
  details.innerHTML = '<h2 id="detail-path"></h2><p id="detail-state"></p><h3>Snapshot</h3><pre id="detail-snapshot"></pre><h3>Recent events</h3><pre id="detail-events"></pre>';
  document.getElementById('detail-path').textContent = path;
  document.getElementById('detail-state').textContent = 'state: ' + JSON.stringify(body.actor.state) + ' · status: ' + body.actor.status + ' · thread: ' + body.actor.thread + ' · processed ' + body.actor.processed;
  document.getElementById('detail-snapshot').textContent = JSON.stringify(body.snapshot, null, 2);
  document.getElementById('detail-events').textContent = body.events.map(e => e.at + ' ' + e.type).join('\\n');
}
// Long-polling: the endpoint answers each request a second after it came (on the server's clock),
// so the page needs no timer of its own.
async function follow() {
  let waitMs = 0;
  for (;;) {
    try {
      draw(await (await fetch('/actors?waitMs=' + waitMs)).json());
    } catch (error) {
      document.querySelector('h1').textContent = 'troupe — connection lost (' + error.message + '); reload the page to reconnect';
      return;
    }
    waitMs = 1000;
  }
}
follow();
</script></body></html>
`;
