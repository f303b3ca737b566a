"""Forms of the families' site (subscribe) and of its editor pages (the Operations Group's drafts)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms

from actions.models import Priority
from governance.models import FeedbackItem, Meeting
from indicators.models import Indicator
from public_site.models import ChairsUpdate, PrioritySummary, PublicMeasure, YouSaidWeDid
from send_portal.forms import VersionedForm

ALL = "all"


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the right format, like name@example.com",
        },
    )
    scope = forms.ChoiceField(
        label="What would you like updates about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose all updates or one priority"},
    )

    def __init__(self, *args, priorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(ALL, "Everything we publish")] + [
            (str(number), f"Priority {number}: {title}") for number, title in priorities
        ]
        self.fields["scope"].initial = ALL


class DraftForm(VersionedForm):
    """A draft of a public item: saving it never changes the public site."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "easy_read" in self.fields:
            self.fields["easy_read"].widget = forms.Textarea(attrs={"rows": 6})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save the draft"))


class PrioritySummaryForm(DraftForm):
    class Meta:
        model = PrioritySummary
        fields = ["priority", "title", "doing", "changed", "easy_read"]
        widgets = {"doing": forms.Textarea(attrs={"rows": 6}), "changed": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.order_by("number")
        self.fields["priority"].label_from_instance = lambda p: f"Priority {p.number}: {p.short_title}"


class YouSaidWeDidForm(DraftForm):
    class Meta:
        model = YouSaidWeDid
        fields = ["priority", "feedback_item", "you_said", "we_did", "what_changed", "easy_read"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ("you_said", "we_did", "what_changed")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.order_by("number")
        self.fields["priority"].label_from_instance = lambda p: f"Priority {p.number}: {p.short_title}"
        self.fields["feedback_item"].queryset = FeedbackItem.objects.select_related("meeting").order_by("-pk")


class ChairsUpdateForm(DraftForm):
    class Meta:
        model = ChairsUpdate
        fields = ["meeting", "title", "body", "easy_read"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.select_related("group").order_by("-date")


class PublicMeasureForm(DraftForm):
    class Meta:
        model = PublicMeasure
        fields = ["indicator", "name", "sentence", "easy_read"]
        widgets = {"sentence": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A measure is shown on its priority's public page: an indicator of the whole plan has none.
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(priority__isnull=False)
            .select_related("priority")
            .order_by("priority__number", "code")
        )
        self.fields["indicator"].help_text = "An indicator of one priority: the measure is shown on its page."
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code}: {i.name}"
