"""a per-user session epoch: logout and a password change end the user's sessions

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 12:40:00

Issue #9 point 7: the session cookie carries the user's id and session epoch
(``User.get_id``); logout and a password change raise the epoch, so a cookie saved before no
longer loads the user. Every existing user starts at 0; sessions signed before this revision
carry the id alone and end once (their users log in again). No row is changed.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_epoch')
