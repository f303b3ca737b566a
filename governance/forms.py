"""Forms for running meetings: the meeting and its minutes, agenda, decisions, action log, attendance,
'you said, we did', escalations to the Board and the Board's decision on them."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.db.models import Q

from actions.models import Action, Priority
from governance.models import (
    AgendaItem,
    AttendanceStatus,
    Decision,
    FeedbackItem,
    Group,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
)
from send_portal.forms import DATE_HINT, DateField, VersionedForm, invalid_date
from send_portal.models import User


def _people(also=None):
    """Active people, for a dropdown; `also`: the pk of someone already chosen, listed even if inactive."""
    return User.objects.filter(Q(is_active=True) | Q(pk=also)).order_by("first_name", "last_name", "username")


def _helper(*fields, submit):
    helper = FormHelper()
    helper.layout = Layout(*fields)
    helper.add_input(Submit("save", submit))
    return helper


class MeetingForm(VersionedForm):
    """Create or edit a meeting: when and where, its status and its minutes. Saving an out-of-date form
    is refused (see Meeting.save_details)."""

    class Meta:
        model = Meeting
        fields = ["group", "title", "kind", "date", "start_time", "location", "status", "minutes"]
        labels = {
            "group": "Group",
            "title": "Title (optional)",
            "start_time": "Start time (optional)",
            "location": "Location (optional)",
        }
        help_texts = {
            "title": "Leave empty to call it by its group and date, for example "
            "'SEND Improvement Board, 10 December 2026'.",
            "date": DATE_HINT,
            "start_time": "For example, 10:00 or 14:30.",
            "status": "A meeting is marked held on or after its date.",
            "minutes": "The record of the discussion. Decisions and actions arising are recorded separately.",
        }
        error_messages = {
            "group": {"required": "Select the group that meets"},
            "date": {
                "required": "Enter the date of the meeting",
                "invalid": invalid_date("the date of the meeting"),
            },
            "start_time": {"invalid": "Enter the start time as hours and minutes, for example 10:00"},
        }
        field_classes = {"date": DateField}
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "start_time": forms.TimeInput(format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.order_by("kind", "name")
        self.fields["group"].empty_label = "Select a group"
        self.helper = _helper(
            Field("version"),
            Field.select("group"),
            Field.text("title", label_size=Size.SMALL),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.text("date", label_size=Size.SMALL, field_width=10),
            Field.text("start_time", label_size=Size.SMALL, field_width=5),
            Field.text("location", label_size=Size.SMALL),
            Field.radios("status", legend_size=Size.SMALL, small=True, inline=True),
            Field.textarea("minutes", label_size=Size.SMALL, rows=12),
            submit="Save meeting",
        )


class AgendaItemForm(VersionedForm):
    """An agenda item, with the priority and plan actions it is about."""

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "priority", "actions", "presenter", "presenter_role"]
        labels = {
            "order": "Item number",
            "priority": "Priority (optional)",
            "actions": "Plan actions (optional)",
            "presenter": "Presenter (optional)",
            "presenter_role": "Presenter's role, when they have no account (optional)",
        }
        help_texts = {"actions": "Select the plan actions this item is about."}
        error_messages = {
            "order": {
                "required": "Enter the item's number on the agenda",
                "invalid": "Enter the item's number as a whole number, for example 3",
            },
            "title": {"required": "Enter the agenda item's title"},
            "actions": {"invalid_choice": "Select plan actions from the list"},
        }
        widgets = {"actions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.order_by("number")
        self.fields["priority"].empty_label = "Not about one priority"
        self.fields["actions"].queryset = Action.objects.order_by("ref_sort", "pk")
        self.fields["actions"].label_from_instance = lambda action: f"{action.ref} {action.title}"
        self.fields["presenter"].queryset = _people(also=self.instance.presenter_id)
        self.fields["presenter"].empty_label = "No one selected"
        self.helper = _helper(
            Field("version"),
            Field.text("order", label_size=Size.SMALL, field_width=3),
            Field.text("title", label_size=Size.SMALL),
            Field.select("priority"),
            Field.checkboxes("actions", legend_size=Size.SMALL, small=True),
            Field.select("presenter"),
            Field.text("presenter_role", label_size=Size.SMALL),
            submit="Save agenda item",
        )


class DecisionForm(VersionedForm):
    """A decision recorded at the meeting, optionally under one of its agenda items."""

    class Meta:
        model = Decision
        fields = ["agenda_item", "text"]
        labels = {"agenda_item": "Agenda item (optional)", "text": "Decision"}
        error_messages = {"text": {"required": "Enter what the meeting decided"}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["agenda_item"].empty_label = "Not under one item"
        self.helper = _helper(
            Field("version"),
            Field.select("agenda_item"),
            Field.textarea("text", label_size=Size.SMALL, rows=4),
            submit="Save decision",
        )


class MeetingActionForm(VersionedForm):
    """An item on the action log, new or edited: what, who and by when. Closing it is
    MeetingActionCloseForm."""

    class Meta:
        model = MeetingAction
        fields = ["text", "owner", "owner_role", "due_date"]
        labels = {
            "text": "Action",
            "owner": "Owner (optional)",
            "owner_role": "Owner's role, when they have no account (optional)",
            "due_date": "Due date (optional)",
        }
        help_texts = {
            "owner": "Leave as no one selected when the owner is not yet agreed.",
            "due_date": DATE_HINT,
        }
        error_messages = {
            "text": {"required": "Enter what needs to be done"},
            "due_date": {"invalid": invalid_date("the due date")},
        }
        field_classes = {"due_date": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An owner who has since left stays selectable, so editing the due date does not lose them.
        self.fields["owner"].queryset = _people(also=self.instance.owner_id)
        self.fields["owner"].empty_label = "No one selected"
        self.helper = _helper(
            Field("version"),
            Field.textarea("text", label_size=Size.SMALL, rows=3),
            Field.select("owner"),
            Field.text("owner_role", label_size=Size.SMALL),
            Field.text("due_date", label_size=Size.SMALL, field_width=10),
            submit="Save the action" if self.instance.pk else "Add to the action log",
        )


class MeetingActionCloseForm(forms.Form):
    """Close an action-log item: done, or dropped with the reason."""

    status = forms.ChoiceField(
        label="Outcome",
        choices=[(MeetingActionStatus.DONE, "Done"), (MeetingActionStatus.DROPPED, "Dropped")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the action is done or dropped"},
    )
    dropped_reason = forms.CharField(
        label="Why it was dropped",
        required=False,
        widget=forms.Textarea,
        help_text="Required when the action is dropped.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("dropped_reason", label_size=Size.SMALL, rows=3),
            submit="Close the action",
        )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == MeetingActionStatus.DROPPED
            and not cleaned.get("dropped_reason", "").strip()
        ):
            self.add_error("dropped_reason", "Give the reason the action was dropped")
        return cleaned


class AttendanceForm(forms.Form):
    """Who was present and who sent apologies: one choice for each member of the group and anyone already
    recorded, and a place to add someone else."""

    NOT_RECORDED = ""

    add_person = forms.ModelChoiceField(
        label="Add someone else who attended (optional)", queryset=User.objects.none(), required=False
    )
    add_status = forms.ChoiceField(
        label="Their attendance", choices=AttendanceStatus.choices, initial=AttendanceStatus.PRESENT
    )

    def __init__(self, *args, people, current, **kwargs):
        """`people`: the users to list; `current`: {user id: AttendanceStatus} already recorded."""
        super().__init__(*args, **kwargs)
        self.people = people
        choices = [*AttendanceStatus.choices, (self.NOT_RECORDED, "Not recorded")]
        fields = []
        for person in people:
            name = f"person_{person.pk}"
            self.fields[name] = forms.ChoiceField(
                label=person.display_name, choices=choices, required=False, widget=forms.RadioSelect
            )
            self.initial[name] = current.get(person.pk, self.NOT_RECORDED)
            fields.append(Field.radios(name, legend_size=Size.SMALL, small=True, inline=True))
        listed = [person.pk for person in people]
        self.fields["add_person"].queryset = _people().exclude(pk__in=listed)
        self.fields["add_person"].empty_label = "No one else"
        self.helper = _helper(
            *fields, Field.select("add_person"), Field.select("add_status"), submit="Save attendance"
        )

    def attendance(self):
        """{user: status or "" (not recorded)} from the form, for Meeting attendance."""
        chosen = {person: self.cleaned_data[f"person_{person.pk}"] for person in self.people}
        if self.cleaned_data.get("add_person"):
            chosen[self.cleaned_data["add_person"]] = self.cleaned_data["add_status"]
        return chosen


class FeedbackItemForm(VersionedForm):
    """A 'you said, we did' item from children, young people and families."""

    class Meta:
        model = FeedbackItem
        fields = ["priority", "you_said", "we_did", "impact"]
        labels = {
            "priority": "Priority (optional)",
            "you_said": "You said",
            "we_did": "We did",
            "impact": "The impact (optional)",
        }
        help_texts = {
            "you_said": "What children, young people or families told us, in their words where possible.",
            "we_did": "What the partnership did in response. Leave empty if nothing has been done yet.",
        }
        error_messages = {"you_said": {"required": "Enter what children, young people or families said"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.order_by("number")
        self.fields["priority"].empty_label = "Not about one priority"
        self.helper = _helper(
            Field("version"),
            Field.select("priority"),
            Field.textarea("you_said", label_size=Size.SMALL, rows=3),
            Field.textarea("we_did", label_size=Size.SMALL, rows=3),
            Field.textarea("impact", label_size=Size.SMALL, rows=3),
            submit="Save 'you said, we did'",
        )


class EscalationForm(forms.Form):
    """Escalate a plan action or an indicator to the Improvement Board."""

    reason = forms.CharField(
        label="What should the Board discuss or decide, and why?",
        widget=forms.Textarea,
        help_text="For example: the recruitment has failed twice and the Board is asked to approve agency cover.",
        error_messages={"required": "Say what the Board should discuss or decide, and why"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=5), submit="Escalate to the Board"
        )


class EscalationDecisionForm(forms.Form):
    """The Board's decision on an escalation, recorded as one of the meeting's decisions."""

    text = forms.CharField(
        label="The Board's decision",
        widget=forms.Textarea,
        error_messages={"required": "Enter what the Board decided"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text", label_size=Size.MEDIUM, rows=4), submit="Record the decision"
        )
