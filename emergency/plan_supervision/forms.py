from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProgressReport


class NoticeUploadForm(forms.Form):
    file = forms.FileField(label=_("Plan notice (.txt or .docx)"))
    create_departments = forms.BooleanField(label=_("Create unknown departments"), required=False)
    period_months = forms.TypedChoiceField(label=_("Reporting period"), coerce=int, initial=3, choices=[
        (3, _("Quarterly")), (6, _("Half-yearly")), (12, _("Yearly")), (1, _("Monthly"))])
    reminder_days = forms.IntegerField(label=_("Remind this many days before a period closes"), initial=7,
                                       min_value=1, max_value=60)

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if not name.endswith((".txt", ".docx")):
            raise forms.ValidationError(_("Upload a .txt or .docx file."))
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return f


class ReportForm(forms.Form):
    narrative = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status"), choices=ProgressReport.Status.choices)


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class NoticeForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"))
    content = forms.CharField(label=_("Requirement"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("Answer by"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, d.name) for d in departments]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))


class IndicatorValueForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Actual value"), required=False, max_digits=14, decimal_places=4,
                               widget=forms.NumberInput(attrs={"placeholder": _("Actual value"), "step": "any"}))
    achieved = forms.NullBooleanField(label=_("Achieved (qualitative)"), required=False,
                                      widget=forms.Select(choices=[("unknown", "—"), ("true", _("Yes")),
                                                                   ("false", _("No"))]))
    source = forms.CharField(label=_("Source"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("Source")}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Evidence"), required=False)
