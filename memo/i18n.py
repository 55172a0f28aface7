"""The message catalog: every string a person reads, in Simplified Chinese and English.

`t(key, **values)` formats the current language's text with str.format; values are user text
and are never interpreted as markup here (the screens render the result as plain Content).
"""

from __future__ import annotations

import os

LANGS = ("zh", "en")
_lang = "zh"


def detect_lang(environ: os._Environ | dict | None = None) -> str:
    env = os.environ if environ is None else environ
    for var in ("MEMO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            if var == "MEMO_LANG" and value in LANGS:
                return value
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_lang(lang: str) -> None:
    global _lang
    if lang not in LANGS:
        raise ValueError(lang)
    _lang = lang


def get_lang() -> str:
    return _lang


def t(key: str, **values: object) -> str:
    zh, en = CATALOG[key]
    template = zh if _lang == "zh" else en
    return template.format(**values) if values else template


def label(group: str, code: str | None) -> str:
    """The word for a stored code, e.g. label("tier", "gold") -> 金卡."""
    if code is None:
        return ""
    return t(f"{group}.{code}")


CATALOG: dict[str, tuple[str, str]] = {
    # --- the app ---------------------------------------------------------------
    "app.title": ("大堂备忘", "Lobby Memo"),
    "app.jot": ("记一笔", "Jot"),
    "app.lookup": ("查找", "Find"),
    "app.today": ("今日", "Today"),
    "app.help": ("帮助", "Help"),
    "app.quit": ("退出", "Quit"),
    "app.back": ("返回", "Back"),
    "app.privacy": ("隐私", "Privacy"),
    "app.privacy_on": ("隐私模式已开启：号码已遮盖", "Privacy mode on: numbers masked"),
    "app.privacy_off": ("隐私模式已关闭", "Privacy mode off"),
    "app.error": ("出错了：{error}", "Something went wrong: {error}"),
    "app.draft_restored": ("已恢复上次未保存的草稿", "Restored the draft you had not saved"),
    "app.saved": ("已保存", "Saved"),
    "app.changed_elsewhere": ("账本已在别处更新，已刷新", "The book changed elsewhere; refreshed"),
    "cmd.jot": ("记一笔：记下客户的需求或信息", "Jot: note a client's request or a fact"),
    "cmd.lookup": ("查找客户：号码、姓名或拼音", "Find a client by phone, name or pinyin"),
    "cmd.today": ("今日：到期和逾期的待办", "Today: requests due and overdue"),
    "cmd.help": ("帮助：所有按键", "Help: all the keys"),
    "cmd.privacy": ("切换隐私模式（遮盖号码）", "Toggle privacy mode (mask numbers)"),
    "cmd.lang": ("切换语言 中文/English", "Switch language 中文/English"),
    # --- today -------------------------------------------------------------------
    "today.title": ("今日 {date} {weekday}", "Today {date} {weekday}"),
    "today.summary": (
        "到期 {due} 条 · 全部未办 {open} 条",
        "{due} due · {open} open in all",
    ),
    "today.empty": (
        "今天没有到期的待办。按 F2 记一笔，按 / 查找客户。",
        "Nothing due today. F2 to jot, / to find a client.",
    ),
    "today.col_due": ("期限", "Due"),
    "today.col_client": ("客户", "Client"),
    "today.col_phone": ("电话", "Phone"),
    "today.col_text": ("事项", "Request"),
    "today.overdue": ("逾期{days}天", "{days}d overdue"),
    "today.due_today": ("今天", "today"),
    "today.more": ("还有更多，向下滚动加载", "More below: scroll to load"),
    "today.open_card": ("打开客户", "Open client"),
    "today.refresh": ("刷新", "Refresh"),
    "weekday.0": ("星期一", "Monday"),
    "weekday.1": ("星期二", "Tuesday"),
    "weekday.2": ("星期三", "Wednesday"),
    "weekday.3": ("星期四", "Thursday"),
    "weekday.4": ("星期五", "Friday"),
    "weekday.5": ("星期六", "Saturday"),
    "weekday.6": ("星期日", "Sunday"),
    # --- lookup ------------------------------------------------------------------
    "lookup.title": ("查找客户", "Find a client"),
    "lookup.placeholder": (
        "号码后四位、号码、姓名或拼音首字母（如 zs）",
        "Last 4 digits, phone, name or pinyin initials (e.g. zs)",
    ),
    "lookup.hint": (
        "输入号码的任意几位、姓名或拼音。回车打开客户。",
        "Type any digits of a phone, a name or pinyin. Enter opens the client.",
    ),
    "lookup.none": ("没有找到「{query}」", "No client matches “{query}”"),
    "lookup.count": ("{count} 位客户", "{count} clients"),
    "lookup.count_more": ("{count}+ 位客户，继续输入以缩小范围", "{count}+ clients: type more to narrow"),
    "match.phone_exact": ("号码", "phone"),
    "match.phone_suffix": ("尾号", "ends with"),
    "match.phone_prefix": ("号码开头", "starts with"),
    "match.phone_middle": ("号码含", "contains"),
    "match.name": ("姓名", "name"),
    "match.initials": ("拼音首字母", "initials"),
    "match.pinyin": ("拼音", "pinyin"),
    # --- the client card ------------------------------------------------------
    "card.title": ("客户", "Client"),
    "card.profile": ("资料", "Profile"),
    "card.phones": ("电话", "Phones"),
    "card.open": ("未办事项", "Open requests"),
    "card.timeline": ("往来记录", "Timeline"),
    "card.no_open": ("没有未办事项", "No open requests"),
    "card.no_timeline": ("还没有记录", "Nothing yet"),
    "card.field.name": ("姓名", "Name"),
    "card.field.honorific": ("称呼", "Title"),
    "card.field.tier": ("等级", "Tier"),
    "card.field.risk": ("风险等级", "Risk profile"),
    "card.field.birthday": ("生日", "Birthday"),
    "card.field.tags": ("标签", "Tags"),
    "card.field.client_since": ("开户日期", "Client since"),
    "card.field.call_hours": ("方便通话时间", "Call hours"),
    "card.field.do_not_call": ("勿电话打扰", "Do not call"),
    "card.field.profile": ("备注（家庭、生意、喜好）", "Facts (family, business, preferences)"),
    "card.edit": ("编辑资料", "Edit profile"),
    "card.add_phone": ("添加电话", "Add phone"),
    "card.remove_phone": ("删除电话", "Remove phone"),
    "card.resolve": ("办结", "Resolve"),
    "card.drop": ("放弃", "Drop"),
    "card.jot_here": ("为此客户记一笔", "Jot for this client"),
    "card.stub": ("（待补全的客户）", "(client to complete)"),
    "card.stub_hint": (
        "这是只凭号码建立的客户，按 e 补全姓名和资料。",
        "This client was made from a phone number alone: press e to fill in the name.",
    ),
    "card.dnc": ("勿电话打扰", "do not call"),
    "card.due": ("期限 {date}", "due {date}"),
    "card.contact_line": ("{channel} · {outcome}", "{channel} · {outcome}"),
    "card.resolved_with": ("办结：{text}", "resolved: {text}"),
    "card.dropped_with": ("放弃：{text}", "dropped: {text}"),
    "card.not_found": ("找不到这位客户（可能已删除）", "This client is gone (deleted?)"),
    "card.age": ("{age}岁", "age {age}"),
    # --- dialogs ------------------------------------------------------------------
    "jot.title": ("记一笔", "Jot it down"),
    "jot.who": ("客户（号码或姓名，可空）", "Client (phone or name; optional)"),
    "jot.who_placeholder": ("如 13800138000、张三、zs", "e.g. 13800138000, 张三, zs"),
    "jot.what": ("内容", "What"),
    "jot.what_placeholder": ("如：要 2 万美元现金", "e.g. wants USD 20,000 in cash"),
    "jot.when": ("期限（可空）", "By when (optional)"),
    "jot.when_placeholder": ("如 明天、12/5、下周一、3天后", "e.g. tomorrow, 12/5, next monday, in 3 days"),
    "jot.kind": ("类型", "Kind"),
    "jot.save": ("保存", "Save"),
    "jot.cancel": ("取消", "Cancel"),
    "jot.saved": ("已记下：{who}", "Jotted for {who}"),
    "jot.saved_nobody": ("已记下（未关联客户）", "Jotted (no client)"),
    "jot.new_client": ("新号码 {phone}：已建立待补全的客户", "New number {phone}: a client to complete was made"),
    "jot.will_create": ("新号码：保存时建立客户", "New number: a client will be made on save"),
    "jot.when_is": ("→ {date} {weekday}", "→ {weekday} {date}"),
    "jot.choose": ("↑↓ 选择，回车确认", "↑↓ to choose, Enter to pick"),
    "jot.need_text": ("请填写内容", "Write what to note"),
    "resolve.title": ("办结：{text}", "Resolve: {text}"),
    "resolve.how": ("怎么办的（可空）", "How it was resolved (optional)"),
    "drop.title": ("放弃：{text}", "Drop: {text}"),
    "drop.why": ("为什么放弃（可空）", "Why (optional)"),
    "phone.add_title": ("添加电话", "Add a phone"),
    "phone.number": ("号码", "Number"),
    "phone.label": ("说明（本人、配偶、单位……可空）", "Label (self, spouse, office...; optional)"),
    "edit.title": ("编辑客户资料", "Edit client"),
    "dialog.ok": ("确定", "OK"),
    "dialog.cancel": ("取消", "Cancel"),
    "help.title": ("按键帮助", "Keys"),
    "help.global": ("任何界面", "Everywhere"),
    "help.intro": (
        "键盘优先，鼠标也可用。Ctrl+P 打开命令面板。",
        "Keyboard first; the mouse works too. Ctrl+P opens the command palette.",
    ),
    # --- codes ----------------------------------------------------------------
    "tier.regular": ("普通", "Regular"),
    "tier.gold": ("金卡", "Gold"),
    "tier.platinum": ("白金", "Platinum"),
    "tier.diamond": ("钻石", "Diamond"),
    "tier.private": ("私行", "Private"),
    "honorific.mr": ("先生", "Mr"),
    "honorific.ms": ("女士", "Ms"),
    "kind.request": ("需求", "request"),
    "kind.fact": ("信息", "fact"),
    "kind.callback": ("回电", "callback"),
    "status.open": ("未办", "open"),
    "status.done": ("已办", "done"),
    "status.dropped": ("已放弃", "dropped"),
    "channel.phone": ("电话", "phone"),
    "channel.visit": ("拜访", "visit"),
    "channel.sms": ("短信", "SMS"),
    "channel.wechat": ("微信", "WeChat"),
    "channel.event": ("活动", "event"),
    "channel.letter": ("信函", "letter"),
    "channel.email": ("邮件", "email"),
    "outcome.reached": ("已联系上", "reached"),
    "outcome.no_answer": ("未接通", "no answer"),
    "outcome.callback": ("约定回电", "call back"),
    "outcome.declined": ("婉拒", "declined"),
    "birthday.lunar": ("农历{month}月{day}", "lunar {month}/{day}"),
    "birthday.lunar_leap": ("农历闰{month}月{day}", "lunar leap {month}/{day}"),
    "birthday.solar": ("{month}月{day}日", "{month}/{day}"),
    # --- errors (domain and CLI) -------------------------------------------------
    "phone.empty": ("电话号码是空的", "The phone number is empty"),
    "phone.bad_chars": ("「{value}」不是电话号码：含有非数字字符", "“{value}” is not a phone number: it has characters other than digits"),
    "phone.bad_length": ("「{value}」不是电话号码：位数不对", "“{value}” is not a phone number: wrong number of digits"),
    "phone.foreign": ("「{value}」不是中国大陆号码", "“{value}” is not a mainland China number"),
    "phone.invalid": ("「{value}」不是有效的手机或座机号码", "“{value}” is not a valid mobile or landline number"),
    "when.bad_date": ("「{value}」不是有效日期", "“{value}” is not a real date"),
    "when.unknown": ("看不懂期限「{value}」，可写 明天、12/5、下周一、3天后", "Can't read the date “{value}”: try tomorrow, 12/5, next monday, in 3 days"),
    "when.too_far": ("期限「{value}」太远了", "The date “{value}” is too far away"),
    "birthday.bad": ("看不懂生日「{value}」，可写 1975-08-15、08-15、农历8月15", "Can't read the birthday “{value}”: try 1975-08-15, 08-15, lunar 8/15"),
    "client.name_empty": ("姓名不能为空", "The name can't be empty"),
    "client.not_found": ("找不到客户「{value}」", "No client “{value}”"),
    "client.ambiguous": ("「{value}」对应多位客户，请说明是哪一位：", "“{value}” matches several clients; say which one:"),
    "client.bad_tier": ("没有「{value}」这个等级（可选：普通 金卡 白金 钻石 私行）", "No tier “{value}” (choose: regular gold platinum diamond private)"),
    "client.bad_risk": ("没有「{value}」这个风险等级（C1 到 C5）", "No risk profile “{value}” (C1 to C5)"),
    "client.bad_honorific": ("称呼「{value}」只能是 先生 或 女士", "Title “{value}” must be Mr or Ms"),
    "client.bad_since": ("开户日期「{value}」看不懂，请写 2020-05-01", "Client-since date “{value}”: write it as 2020-05-01"),
    "client.phone_taken": ("这位客户已有号码 {value}", "This client already has {value}"),
    "client.phone_missing": ("这位客户没有号码 {value}", "This client has no number {value}"),
    "memo.text_empty": ("内容不能为空", "The note can't be empty"),
    "memo.not_found": ("找不到记录 #{value}", "No memo #{value}"),
    "memo.not_open": ("记录 #{value} 已经办结或放弃", "Memo #{value} is already closed"),
    "memo.bad_kind": ("没有「{value}」这个类型（request fact callback）", "No kind “{value}” (request, fact, callback)"),
    "book.is_dir": ("「{value}」是一个文件夹，不是账本文件", "“{value}” is a folder, not a book file"),
    "book.cannot_open": ("打不开账本：{value}", "Can't open the book: {value}"),
    "book.foreign": ("「{value}」不是大堂备忘的账本，没有改动它", "“{value}” is not a Lobby Memo book; it was left untouched"),
    "book.too_new": ("账本「{value}」由更新版本的 memo 建立，请先升级", "The book “{value}” was made by a newer memo: upgrade first"),
    "demo.not_demo": ("「{value}」不是演示账本，不会覆盖它", "“{value}” is not a demo book; it will not be overwritten"),
    "demo.made": ("演示账本：{value}", "Demo book: {value}"),
    "cli.bad_date": ("日期「{value}」请写成 YYYY-MM-DD", "Write the date “{value}” as YYYY-MM-DD"),
    "cli.jotted": ("已记下 #{id}：{text}", "Jotted #{id}: {text}"),
    "cli.resolved": ("已办结 #{id}", "Resolved #{id}"),
    "cli.dropped": ("已放弃 #{id}", "Dropped #{id}"),
    "cli.client_saved": ("已保存客户 #{id} {name}", "Saved client #{id} {name}"),
    "cli.no_results": ("没有找到", "Nothing found"),
    "cli.needs_terminal": ("memo 界面需要在终端中运行", "The memo app needs a terminal"),
    # --- money and dates: deposits, holdings, key dates, yearly dates (memo/money.py, yearly.py)
    "money.bad_amount": ("金额「{value}」看不懂，可写 500000、500,000.50、50万", "Can't read the amount “{value}”: try 500000, 500,000.50, 50万"),
    "money.bad_rate": ("利率「{value}」看不懂，请写年利率百分数，如 1.45", "Can't read the rate “{value}”: write the annual percent, e.g. 1.45"),
    "money.bad_price": ("价格「{value}」看不懂，请写大于 0 的数，如 1.0234", "Can't read the price “{value}”: write a number above 0, e.g. 1.0234"),
    "money.bad_pct": ("百分比「{value}」看不懂，请写大于 0 的数，如 10", "Can't read the percentage “{value}”: write a number above 0, e.g. 10"),
    "money.bad_term": ("期限「{value}」看不懂，可写 3m、6m、1y、18个月、3年", "Can't read the term “{value}”: try 3m, 6m, 1y, 18 months, 3年"),
    "money.bad_date": ("日期「{value}」请写成 2026-01-31", "Write the date “{value}” as 2026-01-31"),
    "money.bad_currency": ("币种「{value}」看不懂，可写 CNY、USD、美元", "Can't read the currency “{value}”: try CNY, USD"),
    "deposit.not_found": ("找不到存款 #{value}", "No deposit #{value}"),
    "deposit.not_active": ("存款 #{value} 已经结清", "Deposit #{value} is already closed"),
    "deposit.bad_kind": ("没有「{value}」这个存款类型（定期 大额存单 其他）", "No deposit kind “{value}” (time, cd, other)"),
    "deposit.bad_close": ("结清方式「{value}」只能是 支取(withdrawn) 或 转存(rolled)", "Close “{value}”: it must be withdrawn or rolled"),
    "deposit.need_term": ("请填写存期（如 1y）或到期日", "Give a term (e.g. 1y) or a maturity date"),
    "deposit.maturity_before_start": ("到期日 {value} 早于起存日", "The maturity {value} is before the start date"),
    "deposit.close_before_start": ("结清日期 {value} 早于起存日", "The closing date {value} is before the start date"),
    "holding.not_found": ("找不到持仓 #{value}", "No holding #{value}"),
    "holding.not_held": ("持仓 #{value} 已经卖出", "Holding #{value} is already sold"),
    "holding.product_empty": ("产品名称不能为空", "The product name can't be empty"),
    "holding.bad_kind": ("没有「{value}」这个产品类型（理财 基金 黄金 其他）", "No product kind “{value}” (wealth, fund, gold, other)"),
    "holding.price_before_purchase": ("价格日期 {value} 早于买入日", "The price date {value} is before the purchase date"),
    "keydate.not_found": ("找不到纪念日 #{value}", "No key date #{value}"),
    "keydate.label_empty": ("请写明是什么日子（如 开业、结婚纪念日）", "Say what the date is (e.g. business opening, wedding)"),
    "keydate.bad_date": ("看不懂日期「{value}」，可写 2015-06-18、6月18日、农历八月十五", "Can't read the date “{value}”: try 2015-06-18, 6/18, lunar 8/15"),
    "deposit_kind.time": ("定期存款", "time deposit"),
    "deposit_kind.cd": ("大额存单", "large CD"),
    "deposit_kind.other": ("其他存款", "other deposit"),
    "deposit_status.active": ("存续", "active"),
    "deposit_status.matured": ("已到期", "matured"),
    "deposit_status.withdrawn": ("已支取", "withdrawn"),
    "deposit_status.rolled": ("已转存", "rolled over"),
    "holding_kind.wealth": ("理财", "wealth product"),
    "holding_kind.fund": ("基金", "fund"),
    "holding_kind.gold": ("黄金", "gold"),
    "holding_kind.other": ("其他", "other"),
    "holding_status.held": ("持有", "held"),
    "holding_status.sold": ("已卖出", "sold"),
    "line.take_profit": ("已到止盈线", "take-profit line crossed"),
    "line.stop_loss": ("已到止损线", "stop-loss line crossed"),
    "money.rollover": ("自动转存", "auto-rollover"),
    "money.days_left": ("还有{days}天", "in {days} days"),
    "money.days_past": ("已过{days}天", "{days} days ago"),
    "money.call_by": ("非工作日，请在 {date} 前联系", "not a working day: call by {date}"),
    "money.maturity_on": ("{date} 到期", "matures {date}"),
    "yearly.birthday": ("生日", "birthday"),
    "yearly.lunar_birthday": ("农历生日", "lunar birthday"),
    "yearly.maturity": ("{kind} {amount} 到期", "{kind} {amount} matures"),
    "yearly.round": ("整寿", "round birthday"),
    "yearly.none": ("这一年没有要记的日子", "No dates this year"),
    "calendar.holiday": ("休息", "day off"),
    "calendar.workday": ("上班", "working day"),
    "calendar.festival": ("节日", "festival"),
    "cli.deposit_saved": ("已保存存款 #{id}：{amount}，{date} 到期", "Saved deposit #{id}: {amount}, matures {date}"),
    "cli.deposit_closed": ("存款 #{id} 已结清：{status}", "Deposit #{id} closed: {status}"),
    "cli.holding_saved": ("已保存持仓 #{id}：{product}", "Saved holding #{id}: {product}"),
    "cli.holding_priced": ("持仓 #{id} 价格 {price}（{date}），盈亏 {pnl}", "Holding #{id} priced {price} ({date}), P/L {pnl}"),
    "cli.holding_sold": ("持仓 #{id} 已卖出", "Holding #{id} sold"),
    "cli.keydate_saved": ("已保存纪念日 #{id}：{label}", "Saved key date #{id}: {label}"),
    "cli.keydate_deleted": ("已删除纪念日 #{id}", "Deleted key date #{id}"),
    "cli.leap_needs_lunar": ("--leap 只能和农历日期一起用", "--leap goes with a lunar date only"),
    "cli.two_birthdays": ("--birthday 和 --lunar-birthday 只能选一个", "Give --birthday or --lunar-birthday, not both"),
    "cli.override_saved": ("已设置 {date}：{what}", "Set {date}: {what}"),
    "cli.override_removed": ("已取消 {date} 的自定义设置", "Removed the override of {date}"),
    "calendar.no_override": ("{value} 没有自定义设置", "{value} has no override"),
    "calendar.source.official": ("官方安排", "official schedule"),
    "calendar.source.computed": ("推算", "computed"),
    "calendar.source.override": ("自定义", "override"),
    "calendar.source.weekend": ("周末", "weekend"),
    "calendar.source.weekday": ("工作日", "weekday"),
}
