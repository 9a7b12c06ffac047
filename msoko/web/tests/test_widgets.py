"""`LongSelect` renders what Django's select renders, only faster for long lists."""

from __future__ import annotations

import re

import pytest
from django import forms

from msoko.registry.models import Organisation
from msoko.web.widgets import LongSelect, LongSelectMultiple

pytestmark = pytest.mark.django_db


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "OO-A"])
def test_renders_the_same_markup_as_djangos_select(world, value):
    choices = [("", "---------"), ("OO-A", "Школа «А» & <Б>"), ("OO-B", "Школа Б")]
    ours = LongSelect(attrs={"id": "id_org"}, choices=choices).render("org", value)
    django = forms.Select(attrs={"id": "id_org"}, choices=choices).render("org", value)
    assert _normalised(ours) == _normalised(django)
    assert "&lt;Б&gt;" in ours and "&amp;" in ours


def test_multiple_keeps_every_chosen_option_selected(world):
    widget = LongSelectMultiple(choices=[("1", "один"), ("2", "два"), ("3", "три")])
    html = widget.render("target", ["1", "3"])
    assert 'multiple' in html
    assert '<option value="1" selected>' in html and '<option value="3" selected>' in html
    assert '<option value="2">' in html


def test_a_model_field_round_trips_through_the_widget(world):
    class Pick(forms.Form):
        organisation = forms.ModelChoiceField(queryset=Organisation.objects.order_by("code"), widget=LongSelect)

    html = str(Pick()["organisation"])
    assert f'<option value="{world.school_a.pk}">' in html
    form = Pick({"organisation": str(world.school_b.pk)})
    assert form.is_valid() and form.cleaned_data["organisation"] == world.school_b
    assert f'<option value="{world.school_b.pk}" selected>' in str(form["organisation"])


def test_two_thousand_options_are_all_rendered():
    choices = [(str(n), f"Организация № {n}") for n in range(2000)]
    html = LongSelect(choices=choices).render("org", "1999")
    assert html.count("<option") == 2000 and '<option value="1999" selected>' in html
