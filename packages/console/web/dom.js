// DOM helpers. Every value reaches the page through createElement, setAttribute and text
// nodes (never innerHTML), so data is escaped by construction.

const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled', 'indeterminate']);
const SVG = 'http://www.w3.org/2000/svg';

/** Appends children: nodes as they are, strings and numbers as text nodes, null/false skipped. */
export function append(parent, ...children) {
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

function assign(element, attributes) {
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  return element;
}

/**
 * Creates an HTML element: `h('button', { type: 'button', onclick }, 'Approve')`.
 * Attributes are set with setAttribute (`value`, `checked`, `disabled` as properties);
 * `on*` functions become listeners; children are appended as text or nodes.
 */
export function h(tag, attributes, ...children) {
  return append(assign(document.createElement(tag), attributes), ...children);
}

/** Creates an SVG element, as {@link h} does. */
export function s(tag, attributes, ...children) {
  return append(assign(document.createElementNS(SVG, tag), attributes), ...children);
}

/**
 * Replaces every child of `element` with `children`, as {@link append} adds them (null and false
 * skipped: `replaceChildren` itself would write them as the text "null").
 */
export function fill(element, ...children) {
  element.replaceChildren();
  return append(element, ...children);
}

let unique = 0;
/** A document-unique id with a readable prefix, for label `for` and aria references. */
export function uid(prefix) {
  unique += 1;
  return `${prefix}-${unique}`;
}

/** A labelled form field: `<div><label for=id>label</label><control id=id></div>`; returns `{ row, control }`. */
export function field(label, control, hint) {
  const id = control.id || uid('field');
  control.id = id;
  const row = h('div', { class: 'field' }, h('label', { for: id }, label), control);
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    row.append(h('p', { class: 'hint', id: hintId }, hint));
  }
  return { row, control };
}

/** Formats an ISO date or epoch milliseconds as a short local date and time; '' for nothing. */
export function when(value) {
  if (value === undefined || value === null || value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** Delays calls of `fn` until `ms` milliseconds passed without another call. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
