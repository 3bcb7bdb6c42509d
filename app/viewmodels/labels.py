"""Readable names for the code lists of the wire model (msgids; translate with a Translator)."""

from __future__ import annotations

from api_client.identifiers import N_
from api_client.models import (
    AllergyCategory,
    DisabilityDegree,
    DischargeType,
    Relationship,
    RiskFactorKind,
    Severity,
    Sex,
    TreatmentOutcome,
    VaccinationProgramme,
    VisitType,
)

SEX = {Sex.MALE: N_("Male"), Sex.FEMALE: N_("Female"), Sex.UNDETERMINED: N_("Not determined")}

VISIT_TYPE = {
    VisitType.OUTPATIENT_EXAM: N_("Outpatient examination"),
    VisitType.OUTPATIENT_TREATMENT: N_("Outpatient treatment"),
    VisitType.INPATIENT: N_("Inpatient stay"),
    VisitType.DAY_INPATIENT: N_("Day inpatient treatment"),
    VisitType.CHRONIC_OUTPATIENT: N_("Chronic disease check-up and medicines"),
    VisitType.COMMUNE_STAY: N_("Treatment at a commune health station"),
    VisitType.REFILL: N_("Medicines by appointment, no examination"),
    VisitType.CHRONIC_WITH_SERVICES: N_("Chronic outpatient treatment with procedures"),
    VisitType.INPATIENT_UNDER_4H: N_("Inpatient stay under 4 hours"),
}

OUTCOME = {
    TreatmentOutcome.CURED: N_("Cured"),
    TreatmentOutcome.IMPROVED: N_("Improved"),
    TreatmentOutcome.UNCHANGED: N_("Unchanged"),
    TreatmentOutcome.WORSE: N_("Worse"),
    TreatmentOutcome.DIED: N_("Died"),
    TreatmentOutcome.SEVERE_DISCHARGED_ON_REQUEST: N_("Severe, went home at the family's request"),
    TreatmentOutcome.UNDETERMINED: N_("Not determined"),
    TreatmentOutcome.DIED_OUTSIDE_HOSPITAL: N_("Died outside the hospital"),
}

DISCHARGE = {
    DischargeType.DISCHARGED: N_("Discharged"),
    DischargeType.REFERRED_MEDICAL: N_("Referred to another facility for medical reasons"),
    DischargeType.ABSCONDED: N_("Left without permission"),
    DischargeType.LEFT_ON_REQUEST: N_("Left at own request"),
    DischargeType.REFERRED_ON_REQUEST: N_("Referred to another facility at own request"),
}

ALLERGY_CATEGORY = {
    AllergyCategory.DRUG: N_("Medicine"),
    AllergyCategory.FOOD: N_("Food"),
    AllergyCategory.CHEMICAL: N_("Chemicals or cosmetics"),
    AllergyCategory.OTHER: N_("Other"),
}

SEVERITY = {Severity.MILD: N_("mild"), Severity.MODERATE: N_("moderate"), Severity.SEVERE: N_("severe")}

RELATIONSHIP = {
    Relationship.MOTHER: N_("Mother"),
    Relationship.FATHER: N_("Father"),
    Relationship.GRANDPARENT: N_("Grandparent"),
    Relationship.SPOUSE: N_("Spouse"),
    Relationship.CHILD: N_("Child"),
    Relationship.SIBLING: N_("Brother or sister"),
    Relationship.OTHER: N_("Other relative"),
}

RISK_FACTOR = {
    RiskFactorKind.TOBACCO: N_("Tobacco"),
    RiskFactorKind.ALCOHOL: N_("Alcohol"),
    RiskFactorKind.DRUGS: N_("Drugs"),
    RiskFactorKind.PHYSICAL_INACTIVITY: N_("Physical activity"),
    RiskFactorKind.OCCUPATIONAL: N_("Work exposure"),
    RiskFactorKind.ENVIRONMENTAL: N_("Environment"),
    RiskFactorKind.OTHER: N_("Other"),
}

DISABILITY_DEGREE = {
    DisabilityDegree.MILD: N_("mild"),
    DisabilityDegree.SEVERE: N_("severe"),
    DisabilityDegree.ESPECIALLY_SEVERE: N_("especially severe"),
}

PROGRAMME = {
    VaccinationProgramme.EPI: N_("National immunisation programme"),
    VaccinationProgramme.SERVICE: N_("Paid vaccination service"),
}

# What a dependent is to the guardian, seen from the guardian's side.
DEPENDENT_ROLE = {
    Relationship.MOTHER: N_("Child"),
    Relationship.FATHER: N_("Child"),
    Relationship.GRANDPARENT: N_("Grandchild"),
}
FAMILY_MEMBER = N_("Family member")
