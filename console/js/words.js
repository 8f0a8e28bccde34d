// The console's Dutch words for the API's codes. One place, so that every
// screen says the same thing the same way.

export const roleWords = {
  supplier: 'leverancier',
  participant: 'deelnemer',
  coordinator: 'coördinator',
  'privacy-officer': 'functionaris gegevensbescherming',
  admin: 'beheerder',
};

// How the covenant lets a value through (rule `as`).
export const transformWords = {
  presence: 'alleen aanwezigheid',
  age: 'leeftijd',
  municipality: 'gemeente',
  year: 'jaartal',
  full: 'volledig',
};

export const requestStatusWords = {
  open: 'open',
  answered: 'beantwoord',
  declined: 'geweigerd',
  overdue: 'te laat',
  failed: 'mislukt (koppeling)',
};

export const meetingStateWords = { open: 'open', closed: 'gesloten', shredded: 'vernietigd' };

// Why a supplied value was not passed on (AnswerReceipt withheld reasons).
export const withheldWords = {
  not_in_covenant: 'dit gegeven staat niet in het convenant',
  not_allowed_for_supplier: 'het convenant laat uw organisatie dit gegeven in dit overleg niet leveren',
  not_requested: 'dit gegeven is in dit verzoek niet gevraagd',
};

export const decisionWords = {
  focus: 'Agenderen voor het focusoverleg',
  bilateraal: 'Bilateraal oppakken door een partner',
  monitoren: 'Monitoren',
  verwijzen: 'Verwijzen naar een andere aanpak of overlegtafel',
  'geen-vervolg': 'Geen vervolg',
  'geen-besluit': 'Geen besluit (niet gesloten)',
};
export const decisions = ['focus', 'bilateraal', 'monitoren', 'verwijzen', 'geen-vervolg'];

// A field's decision in an audit event, and why it was withheld or denied.
export const fieldDecisionWords = {
  disclosed: 'getoond', withheld: 'tegengehouden', accepted: 'aangenomen', requested: 'gevraagd',
};
export const denyReasonWords = {
  ...withheldWords,
  no_rule_for_field: 'geen regel van het convenant noemt dit gegeven',
  not_participant: 'de ontvanger neemt niet deel',
  ad_hoc_not_admitted: 'dit overleg laat geen ad hoc partners toe',
  supplier_not_allowed: 'de leverancier mag dit gegeven niet leveren',
  recipient_not_allowed: 'de ontvanger mag dit gegeven niet zien',
  non_signatory: 'de ontvanger heeft het convenant niet ondertekend',
  client_present: 'de cliënt is aan tafel',
  meeting_closed: 'de bijeenkomst is gesloten',
  declaration_not_signed: 'de geheimhoudingsverklaring is niet ondertekend',
  invalid_value: 'de opgeslagen waarde past niet bij het gegeven',
  not_resident: 'de persoon woont niet in de gemeente van de ontvanger',
};

export const eventTypeWords = {
  request_sent: 'verzoek verstuurd',
  answer_received: 'antwoord ontvangen',
  field_withheld: 'gegeven tegengehouden',
  dossier_disclosed: 'dossier getoond',
  access_refused: 'toegang geweigerd',
  declaration_signed: 'verklaring ondertekend',
  phase_changed: 'cliënt aan tafel gewijzigd',
  meeting_created: 'bijeenkomst gepland',
  meeting_closed: 'bijeenkomst gesloten',
  request_declined: 'verzoek geweigerd door leverancier',
  supplier_failed: 'koppeling mislukt',
  data_shredded: 'gegevens vernietigd',
  retention_extended: 'bewaartermijn verlengd',
  policy_loaded: 'convenant geladen',
  audit_query: 'auditlog geraadpleegd',
};

// Plain Dutch for the gateway's error codes; the technical message is shown
// under it.
const errorWords = {
  network: 'De gateway is niet bereikbaar. Probeer het over een minuut opnieuw.',
  invalid_bsn: 'Dit burgerservicenummer klopt niet (elfproef).',
  declaration_not_signed: 'Onderteken eerst de geheimhoudingsverklaring.',
  declaration_outdated: 'De geheimhoudingsverklaring is gewijzigd. Onderteken de nieuwe tekst.',
  declaration_mismatch: 'De verklaring is intussen gewijzigd. Laad de pagina opnieuw en lees de nieuwe tekst.',
  meeting_closed: 'Deze bijeenkomst is gesloten.',
  meeting_ended: 'Deze bijeenkomst is afgelopen.',
  not_in_circle: 'Dit overleg heeft een besloten kring: alleen de personen die het convenant daarvoor noemt, doen mee. ' +
    'Uw certificaat hoort daar niet bij.',
  not_in_staff: 'De coördinator heeft voor deze bijeenkomst de medewerkers van het Veiligheidshuis gekozen die meedoen. ' +
    'U hoort daar niet bij.',
  not_resident: 'Deze gemeente ziet in dit overleg alleen haar eigen inwoners, en deze persoon woont volgens het formulier niet in die gemeente.',
  nothing_to_supply: 'Het convenant laat deze partner in dit overleg niets leveren.',
  staff_with_circle: 'In dit overleg bepaalt de besloten kring van het convenant wie van het Veiligheidshuis meedoet; noem geen medewerkers.',
  invalid_municipality: 'Dit is geen geldige gemeentenaam.',
  invalid_cn: 'Dit is geen geldige naam van een certificaat (CN).',
  duplicate: 'Dit staat er twee keer in.',
  not_a_member: 'Deze partner is geen lid van dit overleg.',
  ad_hoc_not_admitted: 'Dit overleg laat geen ad hoc partners toe.',
  cross_site_request: 'Dit verzoek kwam niet van deze console en is geweigerd.',
  covenant_not_in_force: 'Het convenant is op dit moment niet van kracht.',
  audit_unavailable: 'De auditlog kan nu niet schrijven; er is niets gedeeld. Probeer het later opnieuw.',
  invalid_covenant: 'Dit bestand is geen geldig convenant.',
  already_answered: 'Dit verzoek is al beantwoord.',
  already_declined: 'Dit verzoek is al geweigerd.',
  not_found: 'Dit bestaat niet (meer).',
  bad_query: 'De zoekvraag klopt niet.',
  missing_field: 'Er ontbreekt een gegeven.',
  wrong_type: 'Een gegeven heeft de verkeerde vorm.',
  invalid_time: 'Een datum of tijd klopt niet.',
  not_later: 'De nieuwe datum moet later zijn dan de huidige bewaartermijn.',
  unknown_partner: 'Deze partner staat niet in het convenant.',
};

// The heading of a screen that could not be shown because of `err`.
export function refusalHeading(err) {
  if (err.code === 'meeting_closed') return 'Deze bijeenkomst is gesloten';
  if (err.code === 'meeting_ended') return 'Deze bijeenkomst is afgelopen';
  if (err.status === 403) return 'Geen toegang';
  if (err.status === 404) return 'Niet gevonden';
  return 'Dit lukte niet';
}

export function errorText(err) {
  if (errorWords[err.code]) return errorWords[err.code];
  if (err.status === 403) return 'U hebt hier geen toegang toe.';
  if (err.status === 404) return errorWords.not_found;
  if (err.status === 422) return 'De gateway kon dit niet verwerken.';
  if (err.status >= 500) return 'Er ging iets mis bij de gateway. Probeer het later opnieuw.';
  return 'Dit lukte niet.';
}

const dateFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam',
});
const dateTimeFormat = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit',
  timeZone: 'Europe/Amsterdam',
});

export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
}

export function date(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}
