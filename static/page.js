// Candor's public pages, a little better with JavaScript; everything here
// also reads and works without it (no framework, no build step).
//
// 1. Times. The server writes every <time datetime="...Z"> in the site's
//    zone with the zone named; here each is shown in the visitor's zone
//    instead, with that zone named (the site's text stays as its tooltip).
// 2. Live pages (<main data-refresh="30">) fetch themselves again every that
//    many seconds and swap in the new content, instead of reloading. A swap
//    waits while it could cost the visitor something: while a form has the
//    focus or holds what they typed, while they select text, while the
//    element they focused is not found in the new content, and while a
//    <details> they opened has no counterpart there. Groups they opened or
//    closed themselves keep that state across swaps.
(() => {
  'use strict';
  const main = document.getElementById('main');
  if (!main) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const here = zone && zone !== main.dataset.zone;

  // --- 1. Times in the visitor's zone ---------------------------------------

  // The page's language: its day and month names as the server wrote them
  // (data-days, data-months on <main>), and Intl's names for the same.
  const lang = document.documentElement.lang || 'en';
  const names = (attr, fallback) => (main.dataset[attr] || fallback).split(' ');
  const days = names('days', 'Mon Tue Wed Thu Fri Sat Sun');
  const months = names('months', 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec');
  const alt = list => list.map(n => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const format = new Intl.DateTimeFormat(lang === 'en' ? 'en-US' : lang, {
    timeZone: zone, hourCycle: 'h23', weekday: 'short', day: 'numeric', month: 'short',
    year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
  });
  const partsOf = date => Object.fromEntries(format.formatToParts(date).map(p => [p.type, p.value]));
  const dayOf = p => `${p.year}-${p.month}-${p.day}`;
  const DATE = new RegExp(`(?<![\\p{L}\\d])\\d{1,2} (${alt(months)})(?!\\p{L})`, 'u');
  const WEEKDAY = new RegExp(`(?<!\\p{L})(${alt(days)})(?!\\p{L})`, 'u');

  // Rewrites each part the server's text shows (weekday, date, year, time
  // with or without seconds, zone), so every form keeps its shape. A time
  // shown without a date gets one when it falls on another day than today
  // (or, for a window's end, than the time before it).
  function localise(root) {
    if (!here) return;
    const today = dayOf(partsOf(new Date()));
    let before = null;
    for (const t of root.querySelectorAll('time[datetime$="Z"]')) {
      const date = new Date(t.getAttribute('datetime'));
      if (isNaN(date)) continue;
      const p = partsOf(date);
      const site = t.textContent;
      const reference = before && before.parent === t.parentNode ? before.day : today;
      let text = site
        .replace(WEEKDAY, p.weekday)
        .replace(DATE, `${p.day} ${p.month}`)
        .replace(/\b\d{4}\b/, p.year)
        .replace(/\b\d\d:\d\d(:\d\d)?( \S+)?/, (_, s, z) =>
          `${p.hour}:${p.minute}${s ? ':' + p.second : ''}${z ? ' ' + p.timeZoneName : ''}`);
      if (!DATE.test(site) && dayOf(p) !== reference) text = `${p.day} ${p.month} ${text}`;
      t.textContent = text;
      t.title = site;
      before = { parent: t.parentNode, day: dayOf(p) };
    }
  }
  localise(document);
  const note = document.getElementById('zone-note');
  if (here && note && note.dataset.here) note.textContent = note.dataset.here.replace('{zone}', zone);

  // --- 2. Live pages, refreshed in place ------------------------------------

  const seconds = Number(main.dataset.refresh);
  if (!(seconds > 0)) return;

  // A <details> is known by its class and the name in its summary.
  const key = d => {
    const name = d.querySelector('.group__name') || d.querySelector('summary');
    return `${d.className}|${name ? name.textContent.trim() : ''}`;
  };
  const openness = root => new Map([...root.querySelectorAll('details')].map(d => [key(d), d.open]));
  let served = openness(main); // as the server sent them

  const changed = e => {
    if (e.type === 'checkbox' || e.type === 'radio') return e.checked !== e.defaultChecked;
    if (e.tagName === 'SELECT') return [...e.options].some(o => o.selected !== o.defaultSelected);
    return 'defaultValue' in e && e.value !== e.defaultValue;
  };
  const formInUse = () => {
    const a = document.activeElement;
    if (a && a.closest('form')) return true;
    return [...document.forms].some(f => [...f.elements].some(changed));
  };
  const selecting = () => {
    const s = getSelection();
    return s && !s.isCollapsed && main.contains(s.anchorNode);
  };
  const busy = () => formInUse() || selecting();

  // Where an element sits under `main`, as child indexes, and back.
  const pathOf = el => {
    const path = [];
    for (; el && el !== main; el = el.parentElement) path.unshift([...el.parentElement.children].indexOf(el));
    return path;
  };
  const at = (root, path) => path.reduce((el, i) => el && el.children[i], root);
  const same = (a, b) => b && a.tagName === b.tagName && a.className === b.className &&
    a.getAttribute('href') === b.getAttribute('href');

  let last = null;
  async function refresh() {
    if (document.hidden || busy()) return;
    let html;
    try {
      const res = await fetch(location.href, { cache: 'no-cache', headers: { Accept: 'text/html' } });
      if (!res.ok) return;
      html = await res.text();
    } catch (_) {
      return; // offline or restarting: the next turn tries again
    }
    if (html === last || busy()) return;
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const next = doc.getElementById('main');
    if (!next) return;
    const fresh = openness(next);
    const incoming = new Map([...next.querySelectorAll('details')].map(d => [key(d), d]));
    // The visitor's own choices: details not as the server last sent them.
    for (const d of main.querySelectorAll('details')) {
      const k = key(d);
      if (!served.has(k) || served.get(k) === d.open) continue;
      const counterpart = incoming.get(k);
      if (!counterpart && d.open) return; // the swap would close what they opened
      if (counterpart) counterpart.open = d.open;
    }
    const focused = main.contains(document.activeElement) ? document.activeElement : null;
    const target = focused && at(next, pathOf(focused));
    if (focused && !same(focused, target)) return;
    localise(next);
    const y = window.scrollY;
    main.replaceChildren(...next.childNodes);
    window.scrollTo(window.scrollX, y);
    if (target) target.focus({ preventScroll: true });
    if (doc.title) document.title = doc.title;
    served = fresh;
    last = html;
    live = Number(next.dataset.refresh) > 0; // a record once closed stays as it is
  }

  let live = true;
  const turn = async () => {
    await refresh();
    if (live) setTimeout(turn, seconds * 1000);
  };
  setTimeout(turn, seconds * 1000);
})();
