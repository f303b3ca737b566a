"""Who may do what with personal access tokens: everyone signed in makes and revokes their own.

What a token may read is the person's own permissions (api.permissions.ReadsAsOnThePages)."""

import rules

from send_portal.rules import WHO_CAN, is_signed_in


@rules.predicate
def owns_token(user, token):
    return token is not None and token.user_id == user.pk


rules.add_perm("api.view_accesstoken", is_signed_in)
rules.add_perm("api.add_accesstoken", is_signed_in)
rules.add_perm("api.delete_accesstoken", is_signed_in & owns_token)

WHO_CAN.update({"api.delete_accesstoken": "Only the person who made a token can revoke it."})
