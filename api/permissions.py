"""Who may read what through the API: exactly what the pages let them read."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadsAsOnThePages(BasePermission):
    """Read only, and only what this person may read on the pages: the view's `permission_required` (the
    same `rules` permission as the page's) for a list, and again for each object. Each view's queryset is
    already narrowed with `visible_to(user)`, so a record the person cannot see answers 404. Every write
    is refused (403; 401 without credentials)."""

    def has_permission(self, request, view):
        if request.method not in SAFE_METHODS or not request.user.is_authenticated:
            return False
        perm = getattr(view, "permission_required", None)
        return perm is None or request.user.has_perm(perm)

    def has_object_permission(self, request, view, obj):
        perm = getattr(view, "permission_required", None)
        return perm is None or request.user.has_perm(perm, obj)
