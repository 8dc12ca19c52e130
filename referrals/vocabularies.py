"""The fixed lists an indication report is recorded with. Where HTCDS 2.0 (IOM) has a picklist,
the stored value is its value name (`DebtBondage` …) and only the label is ours, so that
anonymised data exports to task forces in that standard without a mapping table; lists of
Indonesian practice have lower-case codes of our own."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """How the indication came to light."""

    PASSPORT_INTERVIEW = "passport_interview", _("Passport application interview")
    DEPARTURE_CHECK = "departure_check", _("Departure check at an airport or seaport")
    VILLAGE_REPORT = "village_report", _("Report from a village")
    DESA_BINAAN_VISIT = "desa_binaan_visit", _("Desa Binaan visit")
    HOTLINE = "hotline", _("Hotline or complaint")
    POLICE_PATROL = "police_patrol", _("Police patrol")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")
    OTHER = "other", _("Other")


class SuspectedMode(models.TextChoices):
    """How the person was (to be) sent abroad outside the procedure."""

    VISIT_VISA = "visit_visa", _("Visit or tourist visa used for work")
    UMRAH_VISA = "umrah_visa", _("Umrah or hajj visa used for work")
    FAKE_JOB_OFFER = "fake_job_offer", _("Fake job offer")
    UNLICENSED_RECRUITER = "unlicensed_recruiter", _("Unlicensed recruiter or agency")
    ONLINE_RECRUITMENT = "online_recruitment", _("Online recruitment (social media, apps)")
    INTERNSHIP_OR_STUDY = "internship_or_study", _("Internship, study or scholarship as cover")
    MARRIAGE = "marriage", _("Marriage (mail-order bride)")
    ILLEGAL_CROSSING = "illegal_crossing", _("Crossing outside a checkpoint (sea, land)")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    REFERRED_TO_INVESTIGATION = "referred_to_investigation", _("Referred to investigation")
    VICTIM_ASSISTED = "victim_assisted", _("Victim assisted")
    PREVENTED_DEPARTURE = "prevented_departure", _("Departure prevented")
    UNFOUNDED = "unfounded", _("Unfounded")
    OTHER = "other", _("Other")


class PersonRole(models.TextChoices):
    POTENTIAL_VICTIM = "potential_victim", _("Potential victim")
    RECRUITER = "recruiter", _("Suspected recruiter or sponsor")
    SMUGGLER = "smuggler", _("Suspected smuggler")
    WITNESS = "witness", _("Witness")
    FAMILY_CONTACT = "family_contact", _("Family contact")


SUSPECT_ROLES = {PersonRole.RECRUITER, PersonRole.SMUGGLER}


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


# --- HTCDS 2.0 vocabularies ----------------------------------------------------------------


class VictimStatus(models.TextChoices):
    """HTCDS victim status: who is (not) a victim, as decided by an organisation."""

    POSSIBLE = "PossibleVictim", _("Possible victim")
    ACTUAL = "Victim", _("Victim (identified)")
    NOT_A_VICTIM = "NotAVictim", _("Not a victim")


class RecruitmentMethod(models.TextChoices):
    """HTCDS MethodOfRecruitment."""

    ABDUCTION = "Abduction", _("Abduction")
    EDUCATIONAL_FACILITY = "EducationalFacility", _("Educational facility")
    FAMILIAL = "Familial", _("Through family")
    INTERNET = "Internet", _("Internet (social media, online advertisement)")
    MARRIAGE_BROKER = "InternationalMarriageBroker", _("International marriage broker")
    INTIMATE_PARTNER = "IntimatePartner", _("Intimate partner or marriage proposal")
    JOB_OFFER = "JobOffer", _("Job offer or advertisement")
    POSING_AS_BENEFACTOR = "PosingAsBenefactor", _("Posing as a benefactor")
    PUBLIC_AREA = "PublicArea", _("Public area")
    ACCOMMODATION = "OfferOfAccommodation", _("Offer of accommodation")
    SMUGGLING = "Smuggling", _("Smuggling, ransom")
    WORK = "Work", _("At work")
    OTHER = "Other", _("Other")
    UNKNOWN = "Unknown", _("Unknown")


class ControlMethod(models.TextChoices):
    """HTCDS MethodsOfControl."""

    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts access to money")
    THREATS = "Threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "PsychoactiveSubstances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    USES_CHILDREN = "UsesChildren", _("Uses children")
    THREAT_OF_LAW_ENFORCEMENT = "ThreatOfLawEnforcement", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class ExploitationType(models.TextChoices):
    """HTCDS type of exploitation."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Domestic servitude or slavery-like practice")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced criminal activity (e.g. online scams)")
    OTHER = "Other", _("Other")


class Industry(models.TextChoices):
    """HTCDS labour industry (ISIC v4 sections most seen in Indonesian cases)."""

    AGRICULTURE = "A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")
    MINING = "B_MiningAndQuarrying", _("Mining and quarrying")
    MANUFACTURING = "C_Manufacturing", _("Manufacturing")
    CONSTRUCTION = "F_Construction", _("Construction")
    TRADE = "G_WholesaleAndRetailTradeRepairOfMotorVehicles", _("Wholesale and retail trade")
    TRANSPORT = "H_TransportationAndStorage", _("Transportation and storage (incl. ship crew)")
    HOSPITALITY = "I_AccommodationAndFoodServiceActivities", _("Accommodation and food service")
    ICT = "J_InformationAndCommunication", _("Information and communication (incl. online scams)")
    HEALTH_CARE = "Q_HumanHealthAndSocialWorkActivities", _("Health and care work")
    ENTERTAINMENT = "R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")
    OTHER_SERVICES = "S_OtherServiceActivities", _("Other services")
    HOUSEHOLDS = "T_ActivitiesOfHouseholdsAsEmployers", _("Domestic work in households")


class PerpetratorRole(models.TextChoices):
    """HTCDS RoleInProcess (of a suspected perpetrator)."""

    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSPORTER = "Transporter", _("Transporter")
    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    SMUGGLER = "Smuggler", _("Smuggler")
    EXPLOITER = "Exploiter", _("Exploiter (employer)")
    CONTROLLER = "ControlledIndividual", _("Controlled the person")
    HARBOURER = "HarbouredIndividual", _("Harboured the person")
    OTHER = "Other", _("Other")


# --- Prevention actions (DOMAIN.md, "How immigration prevents non-procedural departures") ---


class PreventionKind(models.TextChoices):
    PASSPORT_DEFERRED = "passport_deferred", _("Passport application deferred")
    PASSPORT_SUSPENDED = "passport_suspended", _("Passport issuance suspended")
    PASSPORT_REFUSED = "passport_refused", _("Passport application refused")
    DEPARTURE_DEFERRED = "departure_deferred", _("Departure deferred")


PASSPORT_KINDS = {
    PreventionKind.PASSPORT_DEFERRED,
    PreventionKind.PASSPORT_SUSPENDED,
    PreventionKind.PASSPORT_REFUSED,
}


class Checkpoint(models.TextChoices):
    PASSPORT_OFFICE = "passport_office", _("Immigration office (passport service)")
    AIRPORT = "airport", _("Airport")
    SEAPORT = "seaport", _("Seaport")
    LAND_BORDER = "land_border", _("Land border post")


class RegistryResult(models.TextChoices):
    """Was the person found in the migrant-worker registry (SISKOP2MI)?"""

    NOT_CHECKED = "not_checked", _("Not checked")
    FOUND = "found", _("Registered as a migrant worker")
    NOT_FOUND = "not_found", _("Not registered")


# --- Sharing and referrals -----------------------------------------------------------------


class ShareStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Shared")
    REFUSED = "refused", _("Not approved")


class RequestedAction(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    VICTIM_PROTECTION = "victim_protection", _("Victim protection and assistance")
    REPATRIATION = "repatriation", _("Repatriation")
    DOCUMENT_CHECK = "document_check", _("Document check or passport delay")
    VILLAGE_OUTREACH = "village_outreach", _("Outreach in the village")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


OPEN_REFERRAL_STATUSES = {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}


class ReferralOutcome(models.TextChoices):
    ACTION_TAKEN = "action_taken", _("Action taken as requested")
    INVESTIGATION_OPENED = "investigation_opened", _("Investigation opened")
    VICTIM_ASSISTED = "victim_assisted", _("Victim assisted")
    REPATRIATED = "repatriated", _("Repatriated")
    DEPARTURE_PREVENTED = "departure_prevented", _("Departure prevented")
    NO_ACTION_POSSIBLE = "no_action_possible", _("No action possible")
