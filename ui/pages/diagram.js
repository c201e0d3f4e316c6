// Loads a diagram (SVG from the graph endpoints: docs/graph.md gives the contract, every node a
// <g class="node" id="n…"> with data-kind, data-line, data-task and, for an execution,
// data-status and data-task-ids) into `box`, and calls `onNode(g)` when a node is clicked.
// When the server has no diagram (the endpoint is missing, 404, or fails) the box says so and
// the rest of the page works without it.
import { api, el } from '../app.js';

export async function loadDiagram(box, url, onNode) {
  let svg;
  try {
    svg = await api('GET', url, undefined, { accept: 'image/svg+xml' });
  } catch (err) {
    box.replaceChildren(el('p', { class: 'muted diagram-missing', id: 'diagram-missing' },
      err.status === 404 || err.status === 501
        ? 'No diagram: this server does not draw diagrams (GET ' + url + ' answered ' + err.status + ').'
        : `No diagram: ${err.message}`));
    box.dataset.state = 'missing';
    return false;
  }
  // The SVG comes from our own server; parse it as XML and adopt only the <svg> element.
  const doc = new DOMParser().parseFromString(String(svg), 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'svg') {
    box.replaceChildren(el('p', { class: 'error' }, 'No diagram: the server answered something that is not SVG.'));
    box.dataset.state = 'missing';
    return false;
  }
  for (const s of root.querySelectorAll('script')) s.remove();
  const node = document.importNode(root, true);
  // Natural size (Graphviz's width and height), scrolled inside the box: a wide diagram shrunk
  // to the box's width would be unreadable.
  box.replaceChildren(node);
  box.dataset.state = 'loaded';
  if (onNode) {
    for (const g of node.querySelectorAll('g.node')) {
      g.classList.add('clickable');
      g.addEventListener('click', () => onNode(g));
    }
  }
  return true;
}
