from django.db import migrations, models

HELP = (
    "The value as last approved, kept when an approved value is corrected: the Board reads it until the "
    "correction is signed off."
)


def keep_the_approved_values_of_corrections_awaiting(apps, schema_editor):
    """A value corrected before this field existed, whose correction awaits sign-off or was returned: its
    value as last approved, from its history (the latest record of it approved), so the Board reads it."""
    Measurement = apps.get_model("indicators", "Measurement")
    History = apps.get_model("indicators", "HistoricalMeasurement")
    for measurement in Measurement.objects.exclude(review="approved").only("pk"):
        approved = (
            History.objects.filter(id=measurement.pk, review="approved")
            .order_by("-history_date", "-history_id")
            .values_list("value", flat=True)
            .first()
        )
        if approved is not None:
            Measurement.objects.filter(pk=measurement.pk).update(approved_value=approved)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0008_submitted_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalmeasurement",
            name="approved_value",
            field=models.DecimalField(
                blank=True, decimal_places=3, editable=False, help_text=HELP, max_digits=12, null=True
            ),
        ),
        migrations.AddField(
            model_name="measurement",
            name="approved_value",
            field=models.DecimalField(
                blank=True, decimal_places=3, editable=False, help_text=HELP, max_digits=12, null=True
            ),
        ),
        migrations.RunPython(keep_the_approved_values_of_corrections_awaiting, migrations.RunPython.noop),
    ]
