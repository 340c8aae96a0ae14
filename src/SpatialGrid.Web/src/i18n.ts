// Every string of the command centre, in zh-CN (the default) and en, side by side in one table; {name} fills in.
// A key with no entry shows its last part (a state or class name the table does not know yet) rather than nothing.
type Lang = 'zh-CN' | 'en';
const S: Record<string, [string, string]> = {
  title: ['SpatialGrid 网格化管理指挥中心', 'SpatialGrid command centre'],
  'view.dispatch': ['受理派遣', 'Dispatch'], 'view.plan': ['分析研判', 'Planning'], 'view.field': ['监督员', 'Field'], 'view.screen': ['大屏', 'Big screen'],
  'hint.dispatch': ['从队列或地图选择案件；快捷键 J/K 上下移动，A 受理，D 派遣，C 结案，/ 搜索。', 'Choose a case in the queue or on the map; keys J/K move, A accepts, D dispatches, C closes, / searches.'],
  'hint.plan': ['点击网格、部件或风险网格查看详情。', 'Click a grid, a component or a risk cell for its details.'],
  'hint.field': ['选择本人，查看本班网格和待核查案件，在现场上报或核查。', 'Choose yourself, see your shift\'s grids and the cases to verify, report or verify on site.'],
  'hint.screen': ['大屏每分钟及有案件事件时自动刷新。', 'The big screen refreshes every minute and on case events.'],
  skip: ['跳到工作列表', 'Skip to the work list'], language: ['语言', 'Language'], loading: ['加载中…', 'Loading…'],
  needKey: ['此视图需要登录（API 密钥）。', 'This view needs you to sign in with an API key.'],
  'search.placeholder': ['网格编码 / 案件编号 / 部件编码', 'Grid, case or component code'], 'search.label': ['搜索', 'Search'], 'search.go': ['搜索', 'Search'],
  'search.bad': ['不是网格编码、案件编号或部件编码', 'not a grid code, case number or component code'],
  'signIn.title': ['登录', 'Sign in'], 'signIn.help': ['输入 API 密钥（deploy/up.sh 会打印一个；sgrid keys create 可新建）。密钥只保存在本浏览器会话中。', 'Enter an API key (deploy/up.sh prints one; sgrid keys create makes more). It is kept for this browser session only.'],
  'signIn.key': ['API 密钥', 'API key'], 'signIn.button': ['登录', 'Sign in'], 'signIn.skip': ['不登录，只看地图', 'Continue without a key (map only)'],
  'signIn.refused': ['密钥无效或已过期：{reason}', 'The key was refused (wrong or expired): {reason}'], 'signIn.anonymous': ['未登录', 'Not signed in'], signOut: ['退出', 'Sign out'],
  'role.admin': ['管理员', 'admin'], 'role.dispatcher': ['派遣员', 'dispatcher'], 'role.planner': ['分析员', 'planner'], 'role.patrol': ['监督员', 'patrol'],
  'role.gis-editor': ['GIS 编辑', 'GIS editor'], 'role.gateway': ['网关', 'gateway'],
  'live.live': ['● 实时', '● Live'], 'live.connecting': ['◌ 连接中', '◌ Connecting'], 'live.offline': ['○ 离线，重连中', '○ Offline, reconnecting'], 'live.refused': ['✕ 密钥被拒', '✕ Key refused'],
  legend: ['图例', 'Legend'], 'legend.cases': ['案件：● 绿 正常 ▲ 黄 临期 ■ 红 超期', 'Cases: ● green on time, ▲ yellow nearly due, ■ red overdue'],
  'legend.nokey': ['登录后显示案件、巡查和风险图层。', 'Sign in to see the case, patrol and risk layers.'],
  'layer.roads': ['道路', 'Roads'], 'layer.districts': ['区', 'Districts'], 'layer.subdistricts': ['街道', 'Sub-districts'], 'layer.communities': ['社区', 'Communities'],
  'layer.grids': ['网格（蓝 综合，橙 专属）', 'Grids (blue comprehensive, orange dedicated)'], 'layer.components': ['部件', 'Components'], 'layer.cases': ['未结案件', 'Open cases'],
  'layer.coverage': ['24 小时巡查覆盖', 'Patrol coverage, 24 h'], 'layer.unvisited': ['24 小时未巡查网格', 'Unvisited grids, 24 h'], 'layer.tracks': ['2 小时轨迹', 'Tracks, 2 h'],
  'layer.live': ['网格员位置', 'Workers now'], 'layer.risk': ['今日风险', 'Risk today'],
  'major.01': ['● 公用设施', '● utilities'], 'major.02': ['◆ 道路交通', '◆ roads'], 'major.03': ['■ 市容环境', '■ appearance'], 'major.04': ['▲ 园林绿化', '▲ greening'],
  'major.05': ['⬢ 房屋土地', '⬢ land'], 'major.06': ['★ 其他设施', '★ other'],
  'colour.green': ['正常', 'On time'], 'colour.yellow': ['临期', 'Nearly due'], 'colour.red': ['超期', 'Overdue'],
  'state.open': ['未结', 'Open'], 'state.reported': ['待受理', 'Reported'], 'state.accepted': ['已受理', 'Accepted'], 'state.dispatched': ['已派遣', 'Dispatched'],
  'state.on-scene': ['已到场', 'On scene'], 'state.handled': ['已处置', 'Handled'], 'state.verified': ['已核查', 'Verified'], 'state.closed': ['已结案', 'Closed'],
  'state.rejected': ['不予立案', 'Rejected'], 'state.escalated': ['已上报', 'Escalated'], 'state.carried-over': ['挂账', 'Carried over'],
  'action.report': ['上报', 'Reported'], 'action.self-handle': ['自行处置', 'Handled on the spot'], 'action.accept': ['受理', 'Accept'], 'action.reject': ['不予立案', 'Reject'],
  'action.dispatch': ['派遣', 'Dispatch'], 'action.return': ['退回', 'Return'], 'action.escalate': ['上报协调', 'Escalate'], 'action.arrive': ['到场', 'Arrive'],
  'action.feedback': ['处置反馈', 'Feedback'], 'action.verify': ['核查', 'Verify'], 'action.rework': ['返工', 'Rework'], 'action.close': ['结案', 'Close'],
  'action.carry-over': ['挂账', 'Carry over'], 'action.resume': ['恢复', 'Resume'], 'action.alert': ['设备告警', 'Device alert'], 'action.colour': ['变色', 'Colour changed'],
  'source.patrol': ['监督员上报', 'Patrol'], 'source.device': ['设备', 'Device'], 'source.camera': ['视频', 'Camera'], 'source.resident': ['市民', 'Resident'],
  'source.hotline': ['12345 热线', '12345 hotline'], 'source.self': ['自行处置', 'Self-handled'],
  'stage.dispatch': ['派遣', 'Dispatch'], 'stage.arrival': ['到场', 'Arrival'], 'stage.feedback': ['反馈', 'Feedback'], 'stage.closing': ['结案', 'Closing'],
  'case.grid': ['网格', 'Grid'], 'case.outside': ['（网格外）', '(outside every grid)'], 'case.unit': ['处置单位', 'Unit'], 'case.lead': ['牵头', 'lead'],
  'case.source': ['来源', 'Source'], 'case.device': ['设备', 'device'], 'case.component': ['部件', 'Component'], 'case.alerts': ['告警数', 'Alerts'],
  'case.lastAlert': ['最近', 'last'], 'case.reported': ['上报时间', 'Reported'], 'case.review': ['复查日期', 'Review'], 'case.satisfaction': ['满意度', 'Satisfaction'],
  'case.deadlines': ['时限', 'Deadlines'], 'case.stage': ['环节', 'Stage'], 'case.due': ['时限', 'Due'], 'case.left': ['剩余', 'Left'], 'case.onTime': ['按时', 'on time'],
  'case.late': ['超时', 'late'], 'case.overdue': ['超期', 'overdue'], 'case.actions': ['操作', 'Actions'], 'case.history': ['流转记录', 'History'],
  'case.chain': ['校验记录链', 'Check the history chain'], 'case.chainIntact': ['{n} 条记录完整', '{n} events, intact'], 'case.chainBroken': ['自第 {n} 条起被篡改', 'broken from event {n}'],
  'case.conflict': ['案件已被他人修改，请重新加载后再操作。', 'Someone else changed this case meanwhile: reload it and act again.'],
  'case.done': ['{number}：{action}完成，现为{state}', '{number}: {action} done, now {state}'],
  shortcut: ['快捷键', 'Shortcut'], confirm: ['确定', 'Confirm'], cancel: ['取消', 'Cancel'], reload: ['重新加载', 'Reload'], all: ['全部', 'All'],
  'field.note': ['说明', 'Note'], 'field.unit': ['处置单位', 'Unit'], 'field.leadUnit': ['牵头单位', 'Lead unit'], 'field.coUnits': ['协办单位', 'Co-units'],
  'field.lon': ['经度', 'Longitude'], 'field.lat': ['纬度', 'Latitude'], 'field.attachments': ['附件（照片链接）', 'Attachments (photo links)'],
  'field.satisfaction': ['满意度', 'Satisfaction'], 'field.reviewDate': ['复查日期', 'Review date'], 'field.commaSeparated': ['用逗号分隔', 'comma-separated'],
  'field.attachmentsHint': ['照片链接或编号', 'photo link or reference'],
  'queue.filters': ['筛选', 'Filters'], 'queue.colour': ['颜色', 'Colour'], 'queue.class': ['类别', 'Class'], 'queue.source': ['来源', 'Source'], 'queue.unit': ['单位', 'Unit'],
  'queue.grid': ['网格编码', 'Grid code'], 'queue.from': ['自', 'From'], 'queue.to': ['至', 'To'], 'queue.sort': ['排序', 'Sort'], 'queue.text': ['文字', 'Text'],
  'queue.list': ['案件队列', 'Case queue'], 'queue.total': ['共 {n} 件', '{n} cases'], 'queue.empty': ['没有符合条件的案件。', 'No case matches the filters.'],
  'sort.due': ['时限最近', 'Due first'], 'sort.-reported': ['最新上报', 'Newest'], 'sort.reported': ['最早上报', 'Oldest'], 'sort.number': ['编号', 'Number'],
  'dispatch.queue': ['案件队列', 'Queue'], 'dispatch.red': ['红灯督办', 'Red list'], 'dispatch.yellow': ['黄灯预警', 'Yellow list'],
  'dispatch.redTitle': ['红灯督办：已超期', 'Red list: past a deadline'], 'dispatch.yellowTitle': ['黄灯预警：即将超期', 'Yellow list: nearly due'],
  'dispatch.redEmpty': ['没有超期案件。', 'No case is overdue.'], 'dispatch.yellowEmpty': ['没有临期案件。', 'No case is nearly due.'],
  'dispatch.new': ['新案件 {n}', '{n} new'], 'dispatch.newCase': ['新案件 {number}', 'New case {number}'],
  'stack.title': ['此处 {n} 件案件', '{n} cases here'],
  'grid.openCases': ['未结案件', 'Open cases'], 'grid.also': ['同处', 'Also here'], 'grid.code': ['编码', 'Code'], 'grid.leader': ['网格长', 'Leader'],
  'grid.inventory': ['部件清单', 'Inventory'], 'grid.class': ['类别', 'Class'], 'grid.count': ['数量', 'Count'],
  'kind.comprehensive': ['综合网格', 'comprehensive'], 'kind.dedicated': ['专属网格', 'dedicated'],
  'level.district': ['区', 'district'], 'level.subdistrict': ['街道', 'sub-district'], 'level.community': ['社区', 'community'], 'level.grid': ['网格', 'grid'],
  'component.code': ['编码', 'Code'], 'component.status': ['状态', 'Status'], 'component.dept': ['主管部门', 'Department'], 'component.owner': ['权属 / 养护', 'Owner / maintainer'],
  'component.installed': ['安装日期', 'Installed'], 'component.devices': ['设备与告警', 'Devices and alerts'], 'component.noDevices': ['没有接入设备。', 'No device is attached.'],
  'component.noAlerts': ['近期无告警', 'no recent alert'], 'component.history': ['变更记录', 'History'],
  'status.intact': ['完好', 'intact'], 'status.damaged': ['损坏', 'damaged'], 'status.lost': ['丢失', 'lost'], 'status.abandoned': ['废弃', 'abandoned'], 'status.removed': ['已拆除', 'removed'],
  'worker.id': ['编号', 'Worker'], 'worker.team': ['班组', 'Team'], 'worker.grid': ['所在网格', 'Grid'], 'worker.lastFix': ['{age}前定位', 'last fix {age} ago'],
  'worker.replay': ['回放今日轨迹', 'Replay their day'], 'worker.today': ['今日', 'Today'], 'worker.walked': ['巡查 {min} 分钟 · {km} km · 班次网格内 {inShift} 分钟', '{min} min walked · {km} km · {inShift} min in shift grids'],
  'worker.cases': ['上报 {reported} · 核查 {verified}', 'Cases reported {reported} · verified {verified}'], 'worker.shift': ['班次', 'Shift'],
  'worker.noTrack': ['{day} 无轨迹。', 'No track on {day}.'], 'worker.play': ['播放 ▶', 'Play ▶'], 'worker.pause': ['暂停 ❚❚', 'Pause ❚❚'],
  'worker.list': ['网格员位置（最近定位）', 'Workers by their last fix'], 'worker.none': ['暂无定位。', 'No worker has a recent fix.'],
  'worker.fixes': ['{fixes} 个定位，{trips} 段', '{fixes} fixes, {trips} trip(s)'], 'worker.replayTime': ['回放时间', 'Replay time'],
  'risk.title': ['热点风险', 'Hotspot risk'], 'risk.top': ['高风险网格', 'Riskiest grids'], 'risk.team': ['班组调度', 'Team plan'],
  'risk.topTitle': ['高风险网格 · {date}', 'Riskiest grids · {date}'], 'risk.model': ['模型 v{v}：今日预计案件数', 'Model v{v}: expected cases today'],
  'risk.expected': ['风险', 'Risk'], 'risk.now': ['现分钟', 'Min now'], 'risk.suggested': ['建议', 'Suggested'],
  'risk.planLegend': ['▲ 绿框：增加巡查 · ▼ 灰虚线：减少', '▲ green outline: more patrol · ▼ grey dashes: less'],
  'risk.cell': ['{day} 风险：第 {rank} 位 · 预计 {expected} 件', 'Risk on {day}: rank {rank} · {expected} expected cases'],
  'plan.title': ['分析研判', 'Planning'], 'plan.print': ['打印 / PDF', 'Print / PDF'], 'plan.by': ['按', 'By'], 'plan.measure': ['指标', 'Measure'],
  'plan.csv': ['导出 CSV', 'Export CSV'], 'plan.trend': ['近八周趋势', 'Eight weeks\' trend'], 'plan.rank': ['{measure}排名（按{by}）', '{measure} ranking by {by}'],
  'plan.table': ['全部指标', 'All measures'], 'plan.redNow': ['现超期', 'Red now'],
  'by.district': ['区', 'district'], 'by.subdistrict': ['街道', 'street'], 'by.community': ['社区', 'community'], 'by.grid': ['网格', 'grid'], 'by.unit': ['处置单位', 'unit'],
  'by.class': ['类别', 'class'], 'by.source': ['来源', 'source'],
  'measure.onTimeDispatchRate': ['按时派遣率 %', 'On-time dispatch %'], 'measure.onTimeHandlingRate': ['按时处置率 %', 'On-time handling %'],
  'measure.onTimeClosureRate': ['按时结案率 %', 'On-time closure %'], 'measure.closureRate': ['结案率 %', 'Closure %'], 'measure.reworkRate': ['返工率 %', 'Rework %'],
  'measure.satisfaction': ['满意度', 'Satisfaction'], 'measure.cases': ['案件数', 'Cases'],
  'heat.title': ['案件热力图', 'Case heat map'], 'heat.pending': ['热力图层尚未提供。', 'The heat map layer is not served yet.'],
  'field.me': ['我是', 'I am'], 'field.shift': ['本班网格', 'My shift\'s grids'], 'field.noShift': ['今日未排班', 'No shift today'],
  'field.coverage': ['今日巡查 {min} 分钟 · {km} km · 已巡 {done}/{of} 个网格', 'Today {min} min · {km} km · {done} of {of} grids walked'],
  'field.chooseMe': ['请先选择本人。', 'Choose yourself first.'], 'field.toVerify': ['待核查案件', 'Cases to verify'], 'field.nothing': ['暂无待核查案件。', 'Nothing to verify.'],
  'field.report': ['现场上报', 'Report a problem here'], 'field.description': ['描述', 'Description'], 'field.photo': ['照片', 'Photo'], 'field.send': ['上报', 'Report'],
  'field.at': ['位置 {lon}, {lat}（{how}）', 'At {lon}, {lat} ({how})'], 'field.gps': ['GPS', 'GPS'], 'field.mapCentre': ['地图中心', 'map centre'],
  'field.sent': ['已上报 {number}', 'Reported as {number}'],
  'screen.trend': ['今日每小时上报（对比昨日）', 'Reports per hour today (and yesterday)'], 'screen.today': ['今日上报', 'Reported today'], 'screen.open': ['未结', 'Open'],
  'screen.closedToday': ['今日结案', 'Closed today'], 'screen.todaySeries': ['今日', 'Today'], 'screen.yesterday': ['昨日', 'Yesterday'],
};

let current: Lang = 'zh-CN';
const listeners: (() => void)[] = [];

export const lang = (): Lang => current;
export const onLang = (f: () => void): void => { listeners.push(f); };
export function initLang(): void {
  const saved = localStorage.getItem('sg-lang');
  current = saved === 'en' ? 'en' : 'zh-CN';
  document.documentElement.lang = current;
}
export function setLang(l: Lang): void {
  current = l;
  localStorage.setItem('sg-lang', l);
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

export function t(key: string, vars: Record<string, string | number> = {}): string {
  const entry = S[key];
  const text = entry ? entry[current === 'zh-CN' ? 0 : 1] : key.slice(key.lastIndexOf('.') + 1);
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? `{${k}}`));
}
