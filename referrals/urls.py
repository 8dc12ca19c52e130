from django.urls import path

from referrals import document_views, exchange_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("review/", views.review_queue, name="review_queue"),
    path("shared/", exchange_views.shared_list, name="shared_list"),
    path("<int:pk>/share/", exchange_views.report_share, name="share"),
    path("shares/<int:share_pk>/decide/", exchange_views.share_decide, name="share_decide"),
    path("<int:pk>/refer/", exchange_views.referral_create, name="referral_create"),
    path("referrals/<str:direction>/", exchange_views.referral_queue, name="referral_queue"),
    path("referral/<int:referral_pk>/", exchange_views.referral_detail, name="referral_detail"),
    # Before the steps: `letter` is no step.
    path(
        "referral/<int:referral_pk>/letter/",
        document_views.referral_letter,
        name="referral_letter",
    ),
    path(
        "referral/<int:referral_pk>/<str:step>/",
        exchange_views.referral_step,
        name="referral_step",
    ),
    path(
        "referral-files/<int:attachment_pk>/",
        exchange_views.referral_attachment,
        name="referral_attachment",
    ),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/review/", views.report_start_review, name="start_review"),
    path("<int:pk>/close/", views.report_close, name="close"),
    path("<int:pk>/delete/", views.report_delete, name="delete"),
    path(
        "<int:pk>/persons/<int:person_pk>/reveal/<str:field>/",
        views.person_reveal,
        name="person_reveal",
    ),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("villages/<int:desa_pk>/", views.village_panel, name="village_panel"),
    path("evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("<int:pk>/prevention/new/", views.prevention_create, name="prevention_create"),
    path(
        "<int:pk>/prevention/<int:action_pk>/edit/",
        views.prevention_edit,
        name="prevention_edit",
    ),
    # Printable documents (PDF) and the exchanges under an agreement.
    path("<int:pk>/pdf/", document_views.report_pdf, name="report_pdf"),
    path(
        "agreements/<int:agreement_pk>/exchanges/",
        document_views.agreement_exchanges_panel,
        name="agreement_exchanges",
    ),
    path(
        "agreements/<int:agreement_pk>/implementation/pdf/",
        document_views.agreement_implementation_pdf,
        name="agreement_implementation_pdf",
    ),
]
