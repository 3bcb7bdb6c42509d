"""The route table: every screen of the app, in one place."""

from __future__ import annotations

import flet as ft

from .views.access_log import AccessLogView
from .views.administration import AdministrationView
from .views.callback import CallbackView
from .views.check_in_card import CheckInCardView
from .views.check_in_qr import CheckInQrView
from .views.correction_desk import CorrectionDeskView
from .views.corrections import CorrectionsView
from .views.emergency_contact import EmergencyContactView
from .views.family import FamilyView
from .views.history import HistoryView
from .views.home import HomeView
from .views.layout import AppLayout
from .views.level_upgrade import LevelUpgradeView
from .views.official_reports import OfficialReportsView
from .views.patient_book import PatientBookView, PatientVisitView
from .views.reception import ReceptionView
from .views.record_visit import RecordVisitView
from .views.settings import SettingsView
from .views.sign_in import SignInView
from .views.trends import TrendView
from .views.vaccinations import VaccinationsView
from .views.visit_detail import VisitDetailView
from .views.visits import VisitsView
from .views.volunteer_desk import VolunteerDeskView

ROUTES = [
    ft.Route(path="sign-in", component=SignInView),
    ft.Route(path="callback", component=CallbackView),  # phones: the deep link back from VNeID
    ft.Route(path="level-2", component=LevelUpgradeView),
    ft.Route(path="reception", component=ReceptionView),  # clinic staff: the scan desk
    ft.Route(path="clinic/corrections", component=CorrectionDeskView),  # medical staff: citizens' corrections
    ft.Route(path="volunteer", component=VolunteerDeskView),  # community digital-technology volunteers
    ft.Route(path="reports", component=OfficialReportsView),  # health officials: the pilot report
    ft.Route(path="admin", component=AdministrationView),  # the health department's IT, facility heads
    ft.Route(path="record-visit", component=RecordVisitView),  # clinic staff without hospital software
    ft.Route(path="patients/:person_id", component=PatientBookView),  # medical staff, patient admitted today
    ft.Route(path="patients/:person_id/visits/:visit_id", component=PatientVisitView),
    ft.Route(component=AppLayout, children=[  # signed in at level 2
        ft.Route(index=True, component=HomeView),
        ft.Route(path="visits", component=VisitsView),
        ft.Route(path="visits/:visit_id", component=VisitDetailView),
        ft.Route(path="history", component=HistoryView),
        ft.Route(path="vaccinations", component=VaccinationsView),
        ft.Route(path="trends/:series", component=TrendView),  # one series of results, with every value
        ft.Route(path="qr", component=CheckInQrView),
        ft.Route(path="card", component=CheckInCardView),  # a printed check-in card, for those without a phone
        ft.Route(path="access-log", component=AccessLogView),
        ft.Route(path="corrections", component=CorrectionsView),  # what the citizen reported as wrong
        ft.Route(path="family", component=FamilyView),
        ft.Route(path="settings", component=SettingsView),
        ft.Route(path="settings/contact", component=EmergencyContactView),  # whom the emergency card says to call
    ]),
]
