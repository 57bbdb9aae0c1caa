/* 新质 Xinzhi — the chain map (产业链创新发展图谱): draws a chain's links as
   columns from upstream to downstream with the organisations at each link
   and the key technologies under them. Clicking an organisation opens its
   profile; clicking a technology opens its panel of records (the same
   <details> the lists beside the graph hold, so the page works without
   script too). Plain ES2017, no eval (CSP script-src 'self'). */
(function () {
  'use strict';

  var el = document.getElementById('chain-graph');
  if (!el || !window.echarts) return;
  var m = JSON.parse(el.dataset.map);
  var w = JSON.parse(el.dataset.words); // upstream, midstream, downstream, links, members, leader, technologies, bottleneck
  var stageWord = { upstream: w[0], midstream: w[1], downstream: w[2] };

  // open shows a technology's panel of records.
  function open(id) {
    var d = document.getElementById('tech-' + id);
    if (!d) return;
    d.open = true;
    d.scrollIntoView({ block: 'nearest' });
  }

  var colW = 190, rowH = 46;
  var nodes = [], edges = [];
  var columns = m.links.slice();
  var loose = m.technologies.filter(function (t) { return !t.link_id; });
  if (loose.length) columns.push({ id: 0, name: '—', stage: '', members: [] });
  columns.forEach(function (l, i) {
    var x = i * colW, key = 'l' + l.id;
    nodes.push({ name: key, text: l.name + (l.stage ? '\n' + stageWord[l.stage] : ''), x: x, y: 0, category: 0,
      symbol: 'roundRect', symbolSize: [150, 44], label: { position: 'inside', color: '#fff' } });
    if (i > 0) edges.push({ source: 'l' + columns[i - 1].id, target: key, lineStyle: { width: 3 } });
    var y = 1;
    l.members.forEach(function (o) {
      var k = 'o' + o.organisation_id + '@' + l.id;
      nodes.push({ name: k, text: o.name + (o.leader ? ' · ' + w[5] : ''), x: x, y: y * rowH + 20, category: o.leader ? 2 : 1,
        symbolSize: o.leader ? 26 : 14, org: o.organisation_id });
      edges.push({ source: key, target: k });
      y++;
    });
    m.technologies.forEach(function (t) {
      if ((t.link_id || 0) !== l.id) return;
      var k = 't' + t.id;
      nodes.push({ name: k, text: t.name + (t.bottleneck ? ' · ' + w[7] : ''), x: x, y: y * rowH + 20, category: t.bottleneck ? 4 : 3,
        symbol: 'diamond', symbolSize: t.bottleneck ? 24 : 16, tech: t.id });
      edges.push({ source: key, target: k, lineStyle: { type: 'dashed' } });
      y++;
    });
  });

  // ECharts stretches fixed positions to fill the box: give the box the
  // height the deepest column needs, so rows keep an even spacing.
  var rows = 1;
  nodes.forEach(function (n) { rows = Math.max(rows, n.y / rowH + 1); });
  el.style.height = Math.max(320, Math.round(rows * 64 + 110)) + 'px';
  var chart = window.echarts.init(el);
  chart.setOption({
    color: ['#0b3d7a', '#2f7fc1', '#e0a020', '#1f8a70', '#c0504d'],
    legend: { data: [w[3], w[4], w[5], w[6], w[7]], top: 0 },
    // names are the registry's text: escaped, the tooltip is HTML
    tooltip: { formatter: function (p) { return p.dataType === 'node' ? window.echarts.format.encodeHTML(p.data.text.replace('\n', ' · ')) : ''; } },
    series: [{
      type: 'graph', layout: 'none', roam: true, top: 70, bottom: 40, left: 90, right: 90,
      categories: [{ name: w[3] }, { name: w[4] }, { name: w[5] }, { name: w[6] }, { name: w[7] }],
      label: { show: true, position: 'bottom', width: colW - 20, overflow: 'truncate', formatter: function (p) { return p.data.text; } },
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 6, lineStyle: { color: '#9aa7b8' },
      data: nodes, links: edges
    }]
  });
  chart.on('click', function (p) {
    if (p.dataType !== 'node' || !p.data) return;
    if (p.data.org) window.location.href = '/orgs/' + p.data.org;
    else if (p.data.tech) open(p.data.tech);
  });
  window.addEventListener('resize', function () { chart.resize(); });

  // The gap list's technologies open the same panel.
  document.querySelectorAll('#gaps [data-tech]').forEach(function (a) {
    a.addEventListener('click', function () { open(a.dataset.tech); });
  });
  window.xinzhiChain = { chart: chart, open: open };
}());
