"""Validators only (no SQL on either database): publication dates within PUB_YEARS, month 1-12,
day 1-31, and each curated JSON field of its shape (papers.shapes). Values already stored are
left as they are; display code reads them as unknown or leaves out what does not fit."""

import django.core.validators
import papers.shapes
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('papers', '0016_search_facts_written_by_the_app'),
    ]

    operations = [
        migrations.AlterField(
            model_name='authorship',
            name='affiliations',
            field=models.JSONField(blank=True, default=list, validators=[papers.shapes.JSONShape('affiliations')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='abstract_sections',
            field=models.JSONField(blank=True, default=list, help_text='[{label, category, text}] as PubMed labels them.', validators=[papers.shapes.JSONShape('abstract_sections')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='article_ids',
            field=models.JSONField(blank=True, default=dict, help_text='Every ArticleId PubMed gives, by type.', validators=[papers.shapes.JSONShape('article_ids')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='chemicals',
            field=models.JSONField(blank=True, default=list, validators=[papers.shapes.JSONShape('chemicals')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='corrections',
            field=models.JSONField(blank=True, default=list, validators=[papers.shapes.JSONShape('corrections')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='keywords',
            field=models.JSONField(blank=True, default=list, validators=[papers.shapes.JSONShape('keywords')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='languages',
            field=models.JSONField(blank=True, default=list, validators=[papers.shapes.JSONShape('languages')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='mesh_headings',
            field=models.JSONField(blank=True, default=list, help_text='[{ui, name, major, qualifiers: [{ui, name, major}]}]', validators=[papers.shapes.JSONShape('mesh_headings')]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='pub_day',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(31)]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='pub_month',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)]),
        ),
        migrations.AlterField(
            model_name='paper',
            name='pub_year',
            field=models.PositiveSmallIntegerField(blank=True, db_index=True, null=True, validators=[django.core.validators.MinValueValidator(1000), django.core.validators.MaxValueValidator(2100)]),
        ),
    ]
