-- A new book's tables and indexes (tools/make_schema.py, from memo/models.py). Do not edit.

CREATE TABLE client (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	id INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	honorific VARCHAR, 
	tier VARCHAR NOT NULL, 
	risk VARCHAR, 
	birth_kind VARCHAR, 
	birth_year INTEGER, 
	birth_month INTEGER, 
	birth_day INTEGER, 
	birth_leap BOOLEAN NOT NULL, 
	client_since DATE, 
	profile VARCHAR NOT NULL, 
	do_not_call BOOLEAN NOT NULL, 
	call_hours VARCHAR NOT NULL, 
	id_last4 VARCHAR, 
	name_initials VARCHAR NOT NULL, 
	name_pinyin VARCHAR NOT NULL, 
	deleted_at DATETIME, 
	last_contact_on DATE, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_tier_in CHECK (tier IN ('regular', 'gold', 'platinum', 'diamond', 'private')), 
	CONSTRAINT ck_risk_in CHECK (risk IS NULL OR risk IN ('C1', 'C2', 'C3', 'C4', 'C5')), 
	CONSTRAINT ck_honorific_in CHECK (honorific IS NULL OR honorific IN ('mr', 'ms')), 
	CONSTRAINT ck_birth_kind_in CHECK (birth_kind IS NULL OR birth_kind IN ('solar', 'lunar')), 
	CONSTRAINT ck_birth_month CHECK (birth_month IS NULL OR birth_month BETWEEN 1 AND 12), 
	CONSTRAINT ck_birth_day CHECK (birth_day IS NULL OR birth_day BETWEEN 1 AND 31), 
	CONSTRAINT ck_birth_whole CHECK ((birth_kind IS NULL) = (birth_month IS NULL) AND (birth_month IS NULL) = (birth_day IS NULL))
);

CREATE INDEX ix_client_pinyin ON client (name_pinyin);

CREATE INDEX ix_client_initials ON client (name_initials, name);

CREATE INDEX ix_client_birth ON client (birth_kind, birth_month, birth_day);

CREATE INDEX ix_client_cadence ON client (tier, last_contact_on, created_at, do_not_call) WHERE deleted_at IS NULL;

CREATE INDEX ix_client_name ON client (name);

CREATE TABLE campaign (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	id INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	theme VARCHAR NOT NULL, 
	method VARCHAR NOT NULL, 
	"on" DATE, 
	cost_fen INTEGER, 
	frequency VARCHAR NOT NULL, 
	target_filter VARCHAR NOT NULL, 
	results VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_method_in CHECK (method IN ('visit', 'salon', 'phone', 'sms', 'launch', 'other')), 
	CONSTRAINT ck_frequency_in CHECK (frequency IN ('once', 'weekly', 'monthly')), 
	CONSTRAINT ck_campaign_cost CHECK (cost_fen IS NULL OR cost_fen >= 0)
);

CREATE TABLE setting (
	"key" VARCHAR NOT NULL, 
	value VARCHAR NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE TABLE clienttag (
	client_id INTEGER NOT NULL, 
	tag VARCHAR NOT NULL, 
	PRIMARY KEY (client_id, tag), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE INDEX ix_tag_tag ON clienttag (tag, client_id);

CREATE TABLE phone (
	id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	number VARCHAR NOT NULL, 
	rev VARCHAR NOT NULL, 
	label VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_phone_client_number UNIQUE (client_id, number), 
	CONSTRAINT ck_phone_length CHECK (length(number) BETWEEN 7 AND 12), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE INDEX ix_phone_rev ON phone (rev);

CREATE INDEX ix_phone_number ON phone (number);

CREATE INDEX ix_phone_client ON phone (client_id);

CREATE TABLE memo (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	id INTEGER NOT NULL, 
	client_id INTEGER, 
	text VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	due DATE, 
	status VARCHAR NOT NULL, 
	resolution VARCHAR NOT NULL, 
	resolved_at DATETIME, 
	deleted_at DATETIME, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_kind_in CHECK (kind IN ('request', 'fact', 'callback')), 
	CONSTRAINT ck_status_in CHECK (status IN ('open', 'done', 'dropped')), 
	CONSTRAINT ck_memo_text CHECK (length(text) > 0), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE SET NULL
);

CREATE INDEX ix_memo_open_due ON memo (kind, due, client_id, created_at, status, deleted_at) WHERE status = 'open' AND deleted_at IS NULL;

CREATE INDEX ix_memo_client ON memo (client_id, created_at);

CREATE INDEX ix_memo_open_client ON memo (client_id, kind) WHERE status = 'open' AND deleted_at IS NULL;

CREATE TABLE deposit (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	amount_fen INTEGER NOT NULL, 
	currency VARCHAR NOT NULL, 
	start DATE NOT NULL, 
	term_months INTEGER, 
	maturity DATE NOT NULL, 
	maturity_given BOOLEAN NOT NULL, 
	rate VARCHAR, 
	rollover BOOLEAN NOT NULL, 
	kind VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	closed_on DATE, 
	note VARCHAR NOT NULL, 
	roll_term INTEGER, 
	roll_phase INTEGER, 
	roll_day INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_kind_in CHECK (kind IN ('time', 'cd', 'other')), 
	CONSTRAINT ck_status_in CHECK (status IN ('active', 'matured', 'withdrawn', 'rolled')), 
	CONSTRAINT ck_deposit_amount CHECK (amount_fen > 0), 
	CONSTRAINT ck_deposit_term CHECK (term_months IS NULL OR term_months > 0), 
	CONSTRAINT ck_deposit_maturity CHECK (maturity >= start), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE INDEX ix_deposit_active_maturity ON deposit (status, maturity, rollover, client_id, amount_fen);

CREATE INDEX ix_deposit_client ON deposit (client_id);

CREATE INDEX ix_deposit_client_active ON deposit (client_id, amount_fen, rollover) WHERE status = 'active';

CREATE INDEX ix_deposit_roll ON deposit (roll_term, roll_phase, roll_day) WHERE status = 'active' AND rollover = 1 AND roll_term IS NOT NULL;

CREATE TABLE holding (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	product VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	purchase_date DATE NOT NULL, 
	amount_fen INTEGER NOT NULL, 
	purchase_price VARCHAR NOT NULL, 
	expected_yield VARCHAR, 
	take_profit_pct VARCHAR, 
	stop_loss_pct VARCHAR, 
	latest_price VARCHAR, 
	latest_price_date DATE, 
	alert_told_on DATE, 
	status VARCHAR NOT NULL, 
	crossed VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_kind_in CHECK (kind IN ('wealth', 'fund', 'gold', 'other')), 
	CONSTRAINT ck_status_in CHECK (status IN ('held', 'sold')), 
	CONSTRAINT ck_holding_amount CHECK (amount_fen > 0), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE INDEX ix_holding_product ON holding (product);

CREATE INDEX ix_holding_client ON holding (client_id);

CREATE INDEX ix_holding_untold ON holding (client_id) WHERE status = 'held' AND crossed IS NOT NULL AND alert_told_on IS NULL;

CREATE TABLE keydate (
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	label VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	year INTEGER, 
	month INTEGER NOT NULL, 
	day INTEGER NOT NULL, 
	leap BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_kind_in CHECK (kind IN ('solar', 'lunar')), 
	CONSTRAINT ck_keydate_month CHECK (month BETWEEN 1 AND 12), 
	CONSTRAINT ck_keydate_day CHECK (day BETWEEN 1 AND 31), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE INDEX ix_keydate_client ON keydate (client_id);

CREATE INDEX ix_keydate_md ON keydate (kind, month, day);

CREATE TABLE contact (
	id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	channel VARCHAR NOT NULL, 
	reasons VARCHAR NOT NULL, 
	outcome VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	new_info VARCHAR NOT NULL, 
	opportunity VARCHAR NOT NULL, 
	sold_fen INTEGER, 
	next_follow_up DATE, 
	campaign_id INTEGER, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_channel_in CHECK (channel IN ('phone', 'visit', 'sms', 'wechat', 'event', 'letter', 'email')), 
	CONSTRAINT ck_outcome_in CHECK (outcome IN ('reached', 'no_answer', 'callback', 'declined')), 
	CONSTRAINT ck_contact_sold CHECK (sold_fen IS NULL OR sold_fen >= 0), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE, 
	FOREIGN KEY(campaign_id) REFERENCES campaign (id) ON DELETE SET NULL
);

CREATE INDEX ix_contact_at ON contact (at);

CREATE INDEX ix_contact_client_at ON contact (client_id, at);

CREATE TABLE invitation (
	id INTEGER NOT NULL, 
	campaign_id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	channel VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	note VARCHAR NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_status_in CHECK (status IN ('to_invite', 'invited', 'accepted', 'attended', 'declined')), 
	CONSTRAINT ck_channel_in CHECK (channel IN ('phone', 'visit', 'sms', 'wechat', 'event', 'letter', 'email')), 
	CONSTRAINT uq_invitation UNIQUE (campaign_id, client_id), 
	FOREIGN KEY(campaign_id) REFERENCES campaign (id) ON DELETE CASCADE, 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE TABLE snooze (
	id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	"on" DATE NOT NULL, 
	until DATE NOT NULL, 
	note VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_snooze_until CHECK ("until" > "on"), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE INDEX ix_snooze_client ON snooze (client_id, until);

CREATE TABLE dismissal (
	id INTEGER NOT NULL, 
	client_id INTEGER NOT NULL, 
	kind VARCHAR NOT NULL, 
	ref VARCHAR NOT NULL, 
	"on" DATE NOT NULL, 
	note VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_kind_in CHECK (kind IN ('maturity', 'birthday', 'lunar_birthday', 'key_date', 'festival', 'request', 'callback', 'holding', 'cadence', 'campaign')), 
	CONSTRAINT uq_dismissal_ref UNIQUE (client_id, ref), 
	FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE CASCADE
);

CREATE TABLE holdingprice (
	id INTEGER NOT NULL, 
	holding_id INTEGER NOT NULL, 
	"on" DATE NOT NULL, 
	price VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_holding_price_day UNIQUE (holding_id, "on"), 
	FOREIGN KEY(holding_id) REFERENCES holding (id) ON DELETE CASCADE
);

