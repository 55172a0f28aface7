"""the today list: snoozes, dismissals, and the keys its lookups walk

Revision ID: 0002
Revises: 0001
"""

import datetime as dt

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('client', sa.Column('last_contact_on', sa.Date(), nullable=True))
    op.create_index('ix_client_cadence', 'client', ['tier', 'last_contact_on', 'created_at', 'do_not_call'],
                    unique=False, sqlite_where=sa.text('deleted_at IS NULL'))
    op.add_column('deposit', sa.Column('roll_term', sa.Integer(), nullable=True))
    op.add_column('deposit', sa.Column('roll_phase', sa.Integer(), nullable=True))
    op.add_column('deposit', sa.Column('roll_day', sa.Integer(), nullable=True))
    op.add_column('holding', sa.Column('crossed', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_table('snooze',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('"until" > "on"', name='ck_snooze_until'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_snooze_client', 'snooze', ['client_id', 'until'], unique=False)
    op.create_table('dismissal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('maturity', 'birthday', 'lunar_birthday', 'key_date', 'festival', 'request', "
                       "'callback', 'holding', 'cadence', 'campaign')", name='ck_kind_in'),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id', 'ref', name='uq_dismissal_ref')
    )

    conn = op.get_bind()
    # Fill the new keys from the rows already there.
    conn.exec_driver_sql(
        "UPDATE client SET last_contact_on = (SELECT max(date(c.at)) FROM contact c "
        "WHERE c.client_id = client.id AND c.outcome != 'no_answer')")
    from memo.terms import _line, roll_keys

    deposits = conn.exec_driver_sql("SELECT id, start, term_months, maturity FROM deposit").all()
    for row_id, start, term, maturity in deposits:
        keys = roll_keys(dt.date.fromisoformat(start), term, dt.date.fromisoformat(maturity))
        conn.exec_driver_sql("UPDATE deposit SET roll_term = ?, roll_phase = ?, roll_day = ? WHERE id = ?",
                             (*keys, row_id))
    holdings = conn.exec_driver_sql("SELECT id, purchase_price, latest_price, take_profit_pct, stop_loss_pct "
                                    "FROM holding WHERE status = 'held'").all()
    for row_id, *prices in holdings:
        conn.exec_driver_sql("UPDATE holding SET crossed = ? WHERE id = ?", (_line(*prices), row_id))

    # open requests and callbacks by due date, without walking the open facts or reading the memos
    op.drop_index('ix_memo_open_due', table_name='memo')
    op.create_index('ix_memo_open_due', 'memo', ['kind', 'due', 'client_id', 'created_at', 'status', 'deleted_at'],
                    unique=False,
                    sqlite_where=sa.text("status = 'open' AND deleted_at IS NULL"))
    op.drop_index('ix_deposit_active_maturity', table_name='deposit')
    op.create_index('ix_deposit_active_maturity', 'deposit', ['status', 'maturity', 'rollover', 'client_id', 'amount_fen'],
                    unique=False)
    op.create_index('ix_deposit_roll', 'deposit', ['roll_term', 'roll_phase', 'roll_day'], unique=False,
                    sqlite_where=sa.text("status = 'active' AND rollover = 1 AND roll_term IS NOT NULL"))
    op.create_index('ix_deposit_client_active', 'deposit', ['client_id', 'amount_fen', 'rollover'], unique=False,
                    sqlite_where=sa.text("status = 'active'"))
    op.create_index('ix_holding_untold', 'holding', ['client_id'], unique=False,
                    sqlite_where=sa.text("status = 'held' AND crossed IS NOT NULL AND alert_told_on IS NULL"))


def downgrade() -> None:
    op.drop_index('ix_deposit_active_maturity', table_name='deposit')
    op.create_index('ix_deposit_active_maturity', 'deposit', ['status', 'maturity'], unique=False)
    op.drop_index('ix_memo_open_due', table_name='memo')
    op.create_index('ix_memo_open_due', 'memo', ['status', 'due'], unique=False)
    op.drop_index('ix_holding_untold', table_name='holding')
    op.drop_index('ix_deposit_client_active', table_name='deposit')
    op.drop_index('ix_deposit_roll', table_name='deposit')
    op.drop_table('dismissal')
    op.drop_index('ix_snooze_client', table_name='snooze')
    op.drop_table('snooze')
    op.drop_column('holding', 'crossed')
    op.drop_column('deposit', 'roll_day')
    op.drop_column('deposit', 'roll_phase')
    op.drop_column('deposit', 'roll_term')
    op.drop_index('ix_client_cadence', table_name='client')
    op.drop_column('client', 'last_contact_on')
