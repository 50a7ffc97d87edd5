// jlb dashboard: polls lb-stats every second and draws what it says. Plain browser JavaScript,
// no build step, nothing loaded from elsewhere.
'use strict';

(function () {
  const POLL_MS = 1000;
  const HISTORY_POINTS = 300; // five minutes of one-second samples per chart
  const MAX_TRANSITIONS = 20;
  const TOKEN_KEY = 'jlb-admin-token';

  const $ = (id) => document.getElementById(id);
  const cards = new Map(); // address -> { element, samples: [], last: {requests, at} }
  let previous = null; // the last stats, to derive rates and see health change
  let lastSeen = null;
  let token = sessionStorage.getItem(TOKEN_KEY) || '';

  function healthOf(backend) {
    if (backend.healthy) return { word: 'healthy', css: 'healthy' };
    if (backend.out_reason === 'ejected') return { word: 'ejected', css: 'ejected' };
    return { word: 'unhealthy', css: 'unhealthy' };
  }

  function formatUptime(seconds) {
    const d = Math.floor(seconds / 86400);
    const h = Math.floor(seconds % 86400 / 3600);
    const m = Math.floor(seconds % 3600 / 60);
    const s = seconds % 60;
    if (d > 0) return d + 'd ' + h + 'h';
    if (h > 0) return h + 'h ' + m + 'm';
    if (m > 0) return m + 'm ' + s + 's';
    return s + 's';
  }

  function formatRate(rate) {
    return rate < 10 ? rate.toFixed(1) : Math.round(rate).toString();
  }

  function cardFor(backend) {
    let card = cards.get(backend.address);
    if (card) return card;
    const element = $('backend-template').content.firstElementChild.cloneNode(true);
    element.dataset.address = backend.address;
    element.querySelector('.address').textContent = backend.address;
    element.querySelector('.drain').addEventListener('click', () => act(backend.address, { state: 'draining' }));
    element.querySelector('.enable').addEventListener('click', () => act(backend.address, { state: 'enabled' }));
    element.querySelector('.set-weight').addEventListener('click', () => {
      const value = Number(element.querySelector('.weight-input').value);
      act(backend.address, { weight: value });
    });
    element.querySelector('.actions').hidden = !token;
    $('backends').appendChild(element);
    card = { element, samples: [], last: null };
    cards.set(backend.address, card);
    return card;
  }

  function drawChart(canvas, samples) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 280;
    const height = canvas.clientHeight || 48;
    if (canvas.width !== Math.round(width * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const context = canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const base = height - 2;
    context.strokeStyle = '#dde2e7';
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(0, base);
    context.lineTo(width, base);
    context.stroke();
    context.fillStyle = '#5f6b76';
    context.font = '10px system-ui, sans-serif';
    context.fillText('requests/s, last 5 min', 4, 11);
    if (samples.length < 2) return;
    const peak = Math.max(1, ...samples);
    const step = width / (HISTORY_POINTS - 1);
    const offset = (HISTORY_POINTS - samples.length) * step;
    const points = samples.map((value, i) => [offset + i * step, base - (value / peak) * (height - 16)]);
    context.beginPath();
    context.moveTo(points[0][0], base);
    points.forEach(([x, y]) => context.lineTo(x, y));
    context.lineTo(points[points.length - 1][0], base);
    context.closePath();
    context.fillStyle = 'rgba(9, 105, 218, 0.12)';
    context.fill();
    context.beginPath();
    points.forEach(([x, y], i) => { if (i === 0) context.moveTo(x, y); else context.lineTo(x, y); });
    context.strokeStyle = '#0969da';
    context.lineWidth = 1.5;
    context.stroke();
    context.fillStyle = '#5f6b76';
    const label = 'peak ' + formatRate(peak);
    context.fillText(label, width - context.measureText(label).width - 4, 11);
  }

  function noteTransition(address, from, to) {
    const item = document.createElement('li');
    const time = document.createElement('time');
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString();
    item.appendChild(time);
    item.appendChild(document.createTextNode(address + ': ' + from + ' \u2192 ' + to));
    const list = $('transitions');
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_TRANSITIONS) list.removeChild(list.lastChild);
    $('no-transitions').hidden = true;
  }

  function render(stats, at) {
    const seconds = previous ? (at - previous.at) / 1000 : 0;
    let totalRate = 0;
    let healthy = 0;
    const present = new Set();
    stats.backends.forEach((backend) => {
      present.add(backend.address);
      const card = cardFor(backend);
      const element = card.element;
      let rate = 0;
      if (card.last && seconds > 0) {
        rate = Math.max(0, backend.requests - card.last.requests) / seconds;
      }
      card.last = { requests: backend.requests };
      card.samples.push(rate);
      if (card.samples.length > HISTORY_POINTS) card.samples.shift();
      totalRate += rate;

      const health = healthOf(backend);
      if (backend.healthy) healthy++;
      const before = previous && previous.health.get(backend.address);
      if (before && before !== health.word) noteTransition(backend.address, before, health.word);

      const healthElement = element.querySelector('.health');
      healthElement.textContent = health.word;
      healthElement.className = 'health ' + health.css;
      element.querySelector('.state').textContent = backend.state;
      element.querySelector('.weight').textContent = backend.weight;
      element.querySelector('.effective-weight').textContent =
        backend.effective_weight === undefined ? '–' : String(backend.effective_weight);
      element.querySelector('.route').textContent = backend.route === undefined ? '–' : backend.route;
      element.querySelector('.connections').textContent = backend.connections;
      element.querySelector('.rate').textContent = formatRate(rate);
      element.querySelector('.latency').textContent = backend.latency_ms === null ? '–' : backend.latency_ms + ' ms';
      element.querySelector('.failures').textContent = backend.failures;
      element.className = 'backend ' + backend.state + (backend.healthy ? '' : ' out');
      drawChart(element.querySelector('.chart'), card.samples);
    });
    cards.forEach((card, address) => {
      if (!present.has(address)) {
        card.element.remove();
        cards.delete(address);
      }
    });

    $('algorithm').textContent = stats.algorithm;
    $('sticky').textContent = stats.sticky === undefined ? '–' : stats.sticky;
    $('uptime').textContent = formatUptime(stats.uptime_seconds);
    $('total-requests').textContent = stats.total_requests;
    $('total-rate').textContent = previous ? formatRate(totalRate) : '–';
    $('healthy-count').textContent = healthy + ' of ' + stats.backends.length;
    $('no-backends').hidden = stats.backends.length > 0;
    const status = $('status');
    const word = healthy === stats.backends.length ? 'ok' : healthy === 0 ? 'down' : 'degraded';
    status.textContent = word;
    status.className = 'badge ' + word;

    const health = new Map(stats.backends.map((b) => [b.address, healthOf(b).word]));
    previous = { at, health };
  }

  function showUnreachable(reason) {
    $('unreachable-reason').textContent = reason;
    $('last-seen').textContent = lastSeen ? lastSeen.toLocaleTimeString() : 'before';
    $('unreachable').hidden = false;
    const status = $('status');
    status.textContent = 'unreachable';
    status.className = 'badge unreachable';
  }

  async function poll() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 2500);
    try {
      const response = await fetch('lb-stats', { cache: 'no-store', signal: controller.signal });
      if (!response.ok) throw new Error('lb-stats answered ' + response.status);
      const stats = await response.json();
      lastSeen = new Date();
      $('unreachable').hidden = true;
      render(stats, performance.now());
    } catch (failure) {
      showUnreachable(failure.name === 'AbortError' ? 'no answer within 2.5 s' : failure.message);
    } finally {
      clearTimeout(timer);
      setTimeout(poll, POLL_MS);
    }
  }

  async function act(address, change) {
    const card = cards.get(address);
    const result = card && card.element.querySelector('.action-result');
    const say = (text, error) => {
      if (result) {
        result.textContent = text;
        result.className = 'action-result' + (error ? ' error' : '');
      }
    };
    try {
      const response = await fetch('lb-admin/backends/' + encodeURIComponent(address), {
        method: 'PUT',
        headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json' },
        body: JSON.stringify(change),
      });
      const answer = await response.json();
      if (response.ok) {
        say('now ' + answer.state + ', weight ' + answer.weight, false);
      } else {
        say(answer.error || ('failed: ' + response.status), true);
        if (response.status === 401 || response.status === 403) setToken('', 'The token was refused: ' + answer.error);
      }
    } catch (failure) {
      say('failed: ' + failure.message, true);
    }
  }

  function setToken(value, message) {
    token = value;
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    cards.forEach((card) => { card.element.querySelector('.actions').hidden = !token; });
    $('forget-token').hidden = !token;
    $('admin-status').textContent = message;
  }

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    $('token').value = '';
    setToken(value, value ? 'Token set for this tab: use the buttons on each backend.' : 'No token given.');
  });
  $('forget-token').addEventListener('click', () => setToken('', 'Token forgotten.'));
  if (token) setToken(token, 'Token set for this tab: use the buttons on each backend.');

  poll();
}());
