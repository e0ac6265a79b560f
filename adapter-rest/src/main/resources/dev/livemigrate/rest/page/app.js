// livemigrate's status page: the operator's journey over the control plane's API (validate, review and confirm,
// start, follow, cut over, report), for a source named by connection string (pull) or by an Ops Manager / Cloud
// Manager project, cluster and migration host (push: link-token, then the projects the hosts report). No build
// step, no library. Every string from the server is rendered with textContent, never as HTML. The API token lives
// in this tab's sessionStorage only; connection strings and passwords are sent to the API and never shown back
// (the review shows hosts and user names only). A typed source password leaves its field at each validation, is
// kept in memory only until the start call that needs it, and never goes into a URL; a link-token is shown once
// and forgotten when the operator leaves the set-up screen.
'use strict';
(function () {
  const TOKEN_KEY = 'livemigrate.token';
  const SCREENS = ['token-screen', 'list-screen', 'setup-screen', 'review-screen', 'migration-screen'];
  const ENDED = ['COMPLETE', 'CANCELLED', 'EXPIRED', 'FAILED'];
  const $ = (id) => document.getElementById(id);

  let reviewed = null; // the body that passed validation, waiting for review
  let reviewedPush = null; // what the review shows of a push source: project, cluster and host names
  let projects = []; // what GET availableProjects last answered
  let projectPoller = null;
  let current = null; // the id of the migration shown
  let lastView = null;
  let poller = null;
  let reportShown = false;

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.detail ? body.errorCode + ': ' + body.detail : 'the server answered HTTP ' + status);
      this.status = status;
      this.body = body;
    }
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + token() };
    const init = { method: method, headers: headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let json = null;
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      show('token-screen');
      throw new ApiError(401, json);
    }
    if (!response.ok) {
      throw new ApiError(response.status, json);
    }
    return json;
  }

  function show(screen) {
    SCREENS.forEach((s) => { $(s).hidden = s !== screen; });
  }

  function message(text) {
    $('message').textContent = text || '';
    $('message').hidden = !text;
  }

  function failed(e) {
    message(e.message);
  }

  function clear(element) {
    while (element.firstChild) {
      element.removeChild(element.firstChild);
    }
  }

  function add(parent, tag, text, className) {
    const element = document.createElement(tag);
    if (text !== undefined && text !== null) {
      element.textContent = String(text);
    }
    if (className) {
      element.className = className;
    }
    parent.appendChild(element);
    return element;
  }

  function bytes(n) {
    if (n === null || n === undefined) {
      return '—';
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
  }

  function duration(ms) {
    if (ms === null || ms === undefined) {
      return '—';
    }
    if (ms < 1000) {
      return ms + ' ms';
    }
    let s = Math.floor(ms / 1000);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    s = s % 60;
    if (h > 0) {
      return h + ' h ' + m + ' min ' + s + ' s';
    }
    return m > 0 ? m + ' min ' + s + ' s' : (ms / 1000).toFixed(1) + ' s';
  }

  // --- routing: #new, #list, #migration/<id> ---

  function stopPolling() {
    if (poller) {
      clearTimeout(poller);
      poller = null;
    }
  }

  function route() {
    stopPolling();
    stopProjects();
    forgetLinkToken();
    message('');
    if (!token()) {
      show('token-screen');
      return;
    }
    const hash = location.hash;
    if (hash !== '#new') { // leaving the set-up: a validated body (a typed password with it) is dropped
      reviewed = null;
      reviewedPush = null;
      $('to-review').disabled = true;
      $('p-password').value = '';
    }
    if (hash.startsWith('#migration/')) {
      openMigration(decodeURIComponent(hash.substring('#migration/'.length)));
    } else if (hash === '#new') {
      show('setup-screen');
      showKind();
    } else {
      showList();
    }
  }

  async function showList() {
    show('list-screen');
    try {
      const list = await api('GET', '/api/v1/migrations');
      const rows = $('list-rows');
      clear(rows);
      list.migrations.forEach((m) => {
        const row = add(rows, 'tr');
        const open = add(add(row, 'td'), 'button', m.id, 'secondary');
        open.type = 'button';
        open.addEventListener('click', () => { location.hash = '#migration/' + encodeURIComponent(m.id); });
        add(row, 'td', m.status);
        add(row, 'td', m.state);
        add(row, 'td', m.createdAt);
      });
      $('list-empty').hidden = list.migrations.length > 0;
    } catch (e) {
      failed(e);
    }
  }

  // --- 1. set up and validate ---

  function words(id) {
    return $(id).value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  }

  function bodyFromForm() {
    const body = { source: pushing() ? pushSource() : { uri: $('f-source').value.trim() }, destination: { uri: $('f-destination').value.trim() } };
    if (!pushing() && $('f-ca').value.trim()) {
      body.source.caFile = $('f-ca').value.trim();
    }
    if (words('f-include').length) {
      body.includeNamespaces = words('f-include');
    }
    if (words('f-exclude').length) {
      body.excludeNamespaces = words('f-exclude');
    }
    const renames = {};
    $('f-renames').value.split('\n').map((s) => s.trim()).filter((s) => s.length > 0).forEach((line) => {
      const eq = line.indexOf('=');
      renames[eq < 0 ? line : line.substring(0, eq).trim()] = eq < 0 ? '' : line.substring(eq + 1).trim();
    });
    if (Object.keys(renames).length) {
      body.renames = renames;
    }
    body.dropDestinationData = $('f-drop').checked;
    body.verify = $('f-verify').checked;
    [['f-lag', 'lagThreshold'], ['f-window', 'cutoverWindow'], ['f-id', 'migrationId']].forEach(([id, field]) => {
      if ($(id).value.trim()) {
        body[field] = $(id).value.trim();
      }
    });
    return body;
  }

  function renderFindings(status, findings) {
    $('validation').hidden = false;
    $('validation-status').textContent = status;
    const list = $('findings');
    clear(list);
    if (!findings || findings.length === 0) {
      add(list, 'li', status === 'PENDING' ? 'The checks are running…' : 'Every check passed.');
    } else {
      findings.forEach((f) => {
        const item = add(list, 'li', null, 'finding finding-' + f.severity);
        add(item, 'strong', f.severity + ' ' + f.code + ': ');
        add(item, 'span', f.message, 'finding-message');
        if (f.remedy) {
          add(item, 'span', f.remedy, 'remedy');
        }
      });
    }
  }

  function renderFieldErrors(error) {
    const fields = (error.body && error.body.fields) || [];
    renderFindings('FAILED', fields.map((f) => ({ severity: 'ERROR', code: f.field, message: f.problem, remedy: '' })));
  }

  async function validate(event) {
    event.preventDefault();
    message('');
    reviewed = null;
    reviewedPush = null;
    $('to-review').disabled = true;
    let body;
    try {
      body = bodyFromForm();
    } catch (e) {
      failed(e);
      return;
    } finally {
      $('p-password').value = ''; // sent with this validation only: typed again for the next
    }
    const labels = pushing() ? pushLabels() : null;
    try {
      let run = await api('POST', '/api/v1/migrations/validate', body);
      renderFindings(run.status, run.findings);
      while (run.status === 'PENDING') {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        run = await api('GET', '/api/v1/migrations/validate/' + encodeURIComponent(run.id));
        renderFindings(run.status, run.findings);
      }
      if (run.status === 'SUCCESS') {
        reviewed = body;
        reviewedPush = labels;
        $('to-review').disabled = false;
      }
    } catch (e) {
      if (e.body && e.body.fields) {
        renderFieldErrors(e);
      }
      failed(e);
    }
  }

  // --- 2. review and confirm ---

  /** Scheme, hosts and user name of a connection string; never its password. */
  function describe(uri) {
    const m = /^(mongodb(?:\+srv)?):\/\/(.*)$/.exec(uri);
    if (!m) {
      return { hosts: '(not a connection string)', user: null };
    }
    const authority = m[2].split(/[/?]/)[0];
    const at = authority.lastIndexOf('@');
    let user = null;
    if (at >= 0) {
      try {
        user = decodeURIComponent(authority.substring(0, at).split(':')[0]);
      } catch (e) {
        user = '(unreadable)';
      }
    }
    return { hosts: (m[1] === 'mongodb+srv' ? 'SRV ' : '') + authority.substring(at + 1).split(',').join(', '), user: user };
  }

  function review() {
    if (!reviewed) {
      return;
    }
    const list = $('review');
    clear(list);
    const row = (name, value, id) => {
      add(list, 'dt', name);
      const dd = add(list, 'dd', value);
      if (id) {
        dd.id = id;
      }
    };
    const destination = describe(reviewed.destination.uri);
    if (reviewedPush) {
      row('Source', reviewedPush.source, 'review-source');
      row('Migration host', reviewed.source.migrationHost, 'review-host');
      row('Source user', reviewed.source.username ? reviewed.source.username + ' (password hidden)'
        : 'the credentials automation manages', 'review-source-user');
      if (reviewed.source.caFile) {
        row('Source CA file (on the migration host)', reviewed.source.caFile);
      }
    } else {
      const source = describe(reviewed.source.uri);
      row('Source hosts', source.hosts, 'review-source');
      row('Source user', source.user ? source.user + ' (password hidden)' : 'none');
      if (reviewed.source.caFile) {
        row('Source CA file', reviewed.source.caFile);
      }
    }
    row('Destination', destination.hosts, 'review-destination');
    row('Destination user', destination.user ? destination.user + ' (password hidden)' : 'none');
    row('Namespaces included', (reviewed.includeNamespaces || ['everything']).join(', '), 'review-include');
    row('Namespaces excluded', (reviewed.excludeNamespaces || ['none']).join(', '));
    const renames = Object.entries(reviewed.renames || {}).map(([from, to]) => from + ' → ' + to);
    row('Renames', renames.length ? renames.join(', ') : 'none');
    row('Clear existing data on the destination', reviewed.dropDestinationData ? 'yes' : 'no', 'review-drop');
    row('Verify data after migration', reviewed.verify ? 'yes' : 'no');
    row('Lag threshold', reviewed.lagThreshold || '10s (default)');
    row('Cutover window', reviewed.cutoverWindow || '120h (default)');
    row('Migration id', reviewed.migrationId || '(generated)');
    show('review-screen');
  }

  async function start() {
    message('');
    $('start').disabled = true;
    const body = reviewed;
    if (reviewedPush) { // a typed password is kept for this one call, whatever its outcome
      reviewed = null;
      reviewedPush = null;
      $('to-review').disabled = true;
    }
    try {
      const view = await api('POST', '/api/v1/migrations', body);
      reviewed = null;
      reviewedPush = null;
      $('f-source').value = '';
      $('f-destination').value = '';
      $('validation').hidden = true;
      location.hash = '#migration/' + encodeURIComponent(view.id);
    } catch (e) {
      show('setup-screen');
      if (e.body && e.body.findings) {
        renderFindings('FAILED', e.body.findings);
        $('to-review').disabled = true;
      }
      failed(e);
    } finally {
      $('start').disabled = false;
    }
  }

  // --- 3. the migration ---

  function openMigration(id) {
    current = id;
    lastView = null;
    reportShown = false;
    $('report').hidden = true;
    $('cutover-panel').hidden = true;
    $('cancel-panel').hidden = true;
    $('m-id').textContent = id;
    show('migration-screen');
    refresh();
  }

  async function refresh() {
    const id = current;
    try {
      const view = await api('GET', '/api/v1/migrations/' + encodeURIComponent(id));
      if (id !== current) {
        return;
      }
      render(view);
      if (ENDED.includes(view.status) && view.status !== 'FAILED' && !reportShown) {
        renderReport(await api('GET', '/api/v1/migrations/' + encodeURIComponent(id) + '/report'));
      }
    } catch (e) {
      failed(e);
    }
    if (id === current && !reportShown && !$('migration-screen').hidden) {
      poller = setTimeout(refresh, 1000);
    }
  }

  function render(v) {
    lastView = v;
    $('m-state').textContent = v.state;
    $('m-status').textContent = v.status;
    $('m-source').textContent = sourceLine(v.migration && v.migration.source);
    const p = v.progress;
    if (p) {
      const fraction = p.totalBytes > 0 ? Math.min(1, p.copiedBytes / p.totalBytes)
        : (p.collectionsDone === p.collectionsTotal ? 1 : 0);
      $('m-bar').style.width = (fraction * 100).toFixed(1) + '%';
      $('m-copied').textContent = bytes(p.copiedBytes) + ' of ' + bytes(p.totalBytes);
      $('m-documents').textContent = p.copiedDocuments + ' of ' + p.totalDocuments;
      $('m-collections').textContent = p.collectionsDone + ' of ' + p.collectionsTotal;
      $('m-events').textContent = String(p.eventsApplied);
      $('m-rate').textContent = String(p.eventsPerSecond);
    }
    const lag = $('m-lag');
    lag.textContent = v.lagTimeSeconds === null ? 'not syncing yet' : v.lagTimeSeconds + ' s';
    lag.classList.toggle('ok', v.lagTimeSeconds !== null && v.lagTimeSeconds <= v.lagThresholdSeconds);
    $('m-threshold').textContent = v.lagThresholdSeconds + ' s';
    countdown();
    const warnings = $('m-warnings');
    clear(warnings);
    v.warnings.forEach((w) => add(warnings, 'li', w));
    $('m-error').hidden = !v.error;
    $('m-error').textContent = v.error ? v.error.code + ': ' + v.error.message : '';
    const ended = ENDED.includes(v.status);
    $('extend').disabled = v.state !== 'READY_TO_CUTOVER';
    $('pause').disabled = v.state !== 'SYNCING' && v.state !== 'READY_TO_CUTOVER';
    $('resume').disabled = v.status !== 'PAUSED' && !(v.status === 'FAILED' || v.status === 'EXPIRED');
    $('cutover').disabled = !v.readyForCutover;
    $('cancel').disabled = ended;
    if (!v.readyForCutover) {
      $('cutover-panel').hidden = true;
    }
    if (ended) {
      $('cancel-panel').hidden = true;
    }
  }

  function countdown() {
    const closes = $('m-window');
    if (!lastView || !lastView.cutoverWindowExpiresAt) {
      closes.textContent = lastView && lastView.state === 'READY_TO_CUTOVER' ? 'opening' : 'not open';
      return;
    }
    const left = Date.parse(lastView.cutoverWindowExpiresAt) - Date.now();
    closes.textContent = (left > 0 ? 'closes in ' + duration(left) : 'closing') + ' (at ' + lastView.cutoverWindowExpiresAt + ')';
  }

  function renderReport(r) {
    reportShown = true;
    $('report').hidden = false;
    $('r-state').textContent = r.state;
    $('r-downtime').textContent = duration(r.downtimeMillis);
    $('r-duration').textContent = duration(r.durationMillis);
    $('r-copied').textContent = bytes(r.copiedBytes) + ' (' + r.copiedDocuments + ' documents)';
    $('r-collections').textContent = String(r.collectionsCopied);
    $('r-changes').textContent = String(r.changesApplied);
    $('r-verification').textContent = r.verification;
  }

  // --- push sources: link-token, the projects migration hosts report, the picks ---

  function pushing() {
    return $('kind-push').checked;
  }

  function showKind() {
    const push = pushing();
    $('pull-source').hidden = push;
    $('pull-source').disabled = push;
    $('push-source').hidden = !push;
    $('push-source').disabled = !push;
    if (push && $('p-org').value.trim()) {
      pollProjects();
    } else {
      stopProjects();
    }
  }

  function org() {
    return $('p-org').value.trim();
  }

  function orgPath(suffix) {
    return '/api/v1/orgs/' + encodeURIComponent(org()) + suffix;
  }

  async function createLinkToken() {
    message('');
    forgetLinkToken();
    if (!org()) {
      message('Give the organization id first.');
      return;
    }
    try {
      const created = await api('POST', orgPath('/linkTokens'), { accessListIps: words('p-access-list') });
      $('p-token').textContent = created.linkToken;
      $('p-token-meta').textContent = 'Key ' + created.keyId + ', expires at ' + created.expiresAt + ', usable from '
        + created.accessListIps.join(', ') + '.';
      $('p-token-box').hidden = false;
      pollProjects();
    } catch (e) {
      const fields = (e.body && e.body.fields) || [];
      message(e.message + fields.map((f) => ' ' + f.field + ': ' + f.problem).join(''));
    }
  }

  function forgetLinkToken() {
    $('p-token').textContent = '';
    $('p-token-meta').textContent = '';
    $('p-copy-status').textContent = '';
    $('p-token-box').hidden = true;
  }

  async function copyLinkToken() {
    const text = $('p-token').textContent;
    try {
      await navigator.clipboard.writeText(text);
      $('p-copy-status').textContent = 'Copied.';
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents($('p-token'));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      $('p-copy-status').textContent = document.execCommand('copy') ? 'Copied.' : 'Selected: copy it with your keyboard.';
    }
  }

  function stopProjects() {
    if (projectPoller) {
      clearTimeout(projectPoller);
      projectPoller = null;
    }
  }

  /** Asks for the organization's projects every 2 s until a migration host has reported one (then on Refresh). */
  async function pollProjects() {
    stopProjects();
    if (!pushing() || !org() || $('setup-screen').hidden) {
      return;
    }
    const asked = org();
    try {
      const list = await api('GET', orgPath('/availableProjects'));
      if (asked !== org()) {
        return;
      }
      renderProjects(list);
    } catch (e) {
      failed(e);
      return;
    }
    if (projects.length === 0 && !projectPoller) {
      projectPoller = setTimeout(pollProjects, 2000);
    }
  }

  function fill(select, items, value, label) {
    const kept = select.value;
    clear(select);
    items.forEach((item) => {
      const option = add(select, 'option', label(item));
      option.value = value(item);
    });
    if (items.some((item) => value(item) === kept)) {
      select.value = kept;
    }
  }

  function size(d) {
    return d.dbSizeBytes === null || d.dbSizeBytes === undefined ? 'size not reported' : bytes(d.dbSizeBytes);
  }

  function renderProjects(list) {
    projects = list;
    $('p-pick').hidden = list.length === 0;
    $('p-waiting').textContent = list.length === 0 ? 'No migration host of organization ' + org() + ' has reported a project'
      + ' yet: start livemigrate agent with the link-token on a host beside the source. This page asks again every 2 s.'
      : list.length + ' project(s) reported by connected migration hosts.';
    fill($('p-project'), list, (p) => p.projectId, (p) => p.name + ' (' + p.projectId + ')');
    renderProject();
  }

  function project() {
    return projects.find((p) => p.projectId === $('p-project').value) || null;
  }

  function deployment() {
    const p = project();
    return p ? p.deployments.find((d) => d.clusterId === $('p-cluster').value) || null : null;
  }

  function renderProject() {
    const p = project();
    fill($('p-cluster'), p ? p.deployments : [], (d) => d.clusterId, (d) => d.name + ' (MongoDB ' + (d.mongoDBVersion || '?')
      + ', ' + size(d) + ', ' + (d.sharded ? 'sharded' : 'replica set') + ', ' + (d.tlsEnabled ? 'TLS' : 'no TLS') + ', '
      + (d.managed ? 'managed' : 'not managed') + ')');
    fill($('p-host'), p ? p.migrationHosts : [], (h) => h, (h) => h);
    renderCluster();
  }

  function renderCluster() {
    const d = deployment();
    const text = (id, value) => { $(id).textContent = d ? value : ''; };
    text('p-d-version', d && (d.mongoDBVersion || '?') + (d.featureCompatibilityVersion ? ' (FCV ' + d.featureCompatibilityVersion + ')' : ''));
    text('p-d-size', d && size(d));
    text('p-d-sharded', d && (d.sharded ? 'sharded cluster' : 'replica set'));
    text('p-d-tls', d && (d.tlsEnabled ? 'on' : 'off'));
    text('p-d-managed', d && (d.managed ? 'managed: the migration host uses its credentials' : 'monitored only: give a user below'));
    text('p-d-agent', d && (d.agentVersion || 'not reported'));
    text('p-d-oplog', d && (d.oplogSizeMB === null || d.oplogSizeMB === undefined ? 'not reported' : d.oplogSizeMB + ' MB'));
    const needsUser = d !== null && !d.managed;
    $('p-credentials').hidden = !needsUser;
    $('p-credentials').disabled = !needsUser;
    if (!needsUser) {
      $('p-username').value = '';
      $('p-password').value = '';
    }
  }

  /** The push source the picks name; throws when something is not picked yet. */
  function pushSource() {
    const p = project();
    const d = deployment();
    if (!p || !d || !$('p-host').value) {
      throw new Error('Pick a project, a cluster and a migration host: they appear once a migration host has reported.');
    }
    const source = { orgId: org(), projectId: p.projectId, clusterId: d.clusterId, migrationHost: $('p-host').value };
    if (!d.managed) {
      source.username = $('p-username').value.trim();
      source.password = $('p-password').value;
    }
    if ($('p-ca').value.trim()) {
      source.caFile = $('p-ca').value.trim();
    }
    return source;
  }

  function pushLabels() {
    const p = project();
    const d = deployment();
    return { source: 'cluster ' + d.name + ' of project ' + p.name + ' (' + p.projectId + ')' };
  }

  /** A migration's source as the list of its hosts (pull) or its cluster and migration host (push); never a password. */
  function sourceLine(source) {
    if (!source) {
      return '';
    }
    if (source.migrationHost) {
      return 'cluster ' + (source.clusterName || source.clusterId) + ' of project ' + source.projectId + ', on migration host '
        + source.migrationHost;
    }
    return describe(source.uri || '').hosts;
  }

  async function act(method, suffix, body) {
    message('');
    try {
      render(await api(method, '/api/v1/migrations/' + encodeURIComponent(current) + suffix, body));
    } catch (e) {
      failed(e);
    }
  }

  function wire() {
    $('token-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
      $('token').value = '';
      try {
        await api('GET', '/api/v1/migrations');
        route();
      } catch (e) {
        message(e.status === 401 ? 'The server refused that token: paste the one it was started with.' : e.message);
      }
    });
    $('forget-token').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      route();
    });
    $('nav-new').addEventListener('click', () => { location.hash = '#new'; });
    $('nav-list').addEventListener('click', () => { location.hash = '#list'; });
    $('setup-form').addEventListener('submit', validate);
    $('kind-pull').addEventListener('change', showKind);
    $('kind-push').addEventListener('change', showKind);
    $('p-org').addEventListener('change', () => {
      renderProjects([]);
      pollProjects();
    });
    $('p-create-token').addEventListener('click', createLinkToken);
    $('p-copy-token').addEventListener('click', copyLinkToken);
    $('p-hide-token').addEventListener('click', forgetLinkToken);
    $('p-refresh').addEventListener('click', pollProjects);
    $('p-project').addEventListener('change', renderProject);
    $('p-cluster').addEventListener('change', renderCluster);
    $('setup-form').addEventListener('input', () => {
      reviewed = null;
      $('to-review').disabled = true;
    });
    $('to-review').addEventListener('click', review);
    $('review-back').addEventListener('click', () => show('setup-screen'));
    $('start').addEventListener('click', start);
    $('extend').addEventListener('click', () => act('POST', '/extend'));
    $('pause').addEventListener('click', () => act('POST', '/pause'));
    $('resume').addEventListener('click', () => act('POST', '/resume'));
    $('cutover').addEventListener('click', () => {
      $('writes-stopped').checked = false;
      $('finalize').disabled = true;
      $('cutover-panel').hidden = false;
    });
    $('writes-stopped').addEventListener('change', () => { $('finalize').disabled = !$('writes-stopped').checked; });
    $('cutover-back').addEventListener('click', () => { $('cutover-panel').hidden = true; });
    $('finalize').addEventListener('click', async () => {
      $('finalize').disabled = true;
      $('cutover-panel').hidden = true;
      await act('PUT', '/cutover', { writesStopped: true });
    });
    $('cancel').addEventListener('click', () => { $('cancel-panel').hidden = false; });
    $('cancel-no').addEventListener('click', () => { $('cancel-panel').hidden = true; });
    $('cancel-yes').addEventListener('click', async () => {
      $('cancel-panel').hidden = true;
      await act('POST', '/cancel');
    });
    window.addEventListener('hashchange', route);
    setInterval(countdown, 1000);
    route();
  }

  wire();
}());
