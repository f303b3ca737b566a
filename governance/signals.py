"""What governance tells other apps (the notifications app listens; this app imports none of them).

Sent inside the transaction that makes the change; receivers enqueue their tasks with on_commit."""

from django.dispatch import Signal

# The Operations Group escalated a plan action or an indicator to the Board: sent with escalation.
escalated = Signal()
# A board pack was generated and kept: sent with pack.
board_pack_ready = Signal()
