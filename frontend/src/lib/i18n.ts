/**
 * The message catalogue: every string the UI shows comes from here.
 *
 * German is the primary language and the source of truth for the key set:
 * `en` is typed as `Record<MessageKey, string>`, so a key missing in English
 * (or a typo in a component) is a compile error in `npm run check`.
 *
 * Messages may contain `{name}` placeholders. Count-dependent messages are
 * pairs of keys ending in `.one` / `.other`, chosen with Intl.PluralRules.
 * This module is pure (no DOM, no state); the reactive current language lives
 * in locale.svelte.ts.
 */

export const languages = ['de', 'en'] as const;
export type Lang = (typeof languages)[number];
export const defaultLang: Lang = 'de';

/** BCP 47 tags used for Intl formatting of each UI language. */
export const intlLocale: Record<Lang, string> = { de: 'de-DE', en: 'en-GB' };

const de = {
  'app.name': 'ideenmarkt',
  'skip.toMain': 'Zum Inhalt springen',
  'nav.label': 'Hauptnavigation',
  'nav.conferences': 'Konferenzen',
  'nav.newConference': 'Neue Konferenz',
  'nav.login': 'Anmelden',
  'nav.logout': 'Abmelden',
  'nav.signedInAs': 'Angemeldet als {name}',
  'lang.label': 'Sprache',
  'lang.de': 'Deutsch',
  'lang.en': 'English',
  'theme.dark': 'Dunkles Design',
  'footer.text': 'ideenmarkt – quelloffene Beteiligungsplattform für Verwaltungen',
  'page.suffix': 'ideenmarkt',

  'common.loading': 'Wird geladen …',
  'common.retry': 'Erneut versuchen',
  'common.backToList': 'Zurück zur Übersicht',
  'common.required': 'Pflichtfeld',

  'error.generic': 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
  'error.network': 'Der Server ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung.',
  'error.forbidden': 'Dafür fehlt Ihnen die Berechtigung.',
  'error.unauthorized': 'Bitte melden Sie sich an.',
  'error.summary': 'Bitte korrigieren Sie die markierten Felder.',
  'error.invalid': 'Die Eingaben sind nicht gültig.',
  'error.notFound': 'Das Gesuchte wurde nicht gefunden.',
  'error.conflict': 'Das ist im aktuellen Zustand nicht möglich. Bitte laden Sie die Seite neu.',
  'error.rateLimited': 'Zu viele Versuche. Bitte warten Sie einen Moment.',
  'error.unavailable': 'Der Dienst ist gerade nicht verfügbar. Bitte versuchen Sie es später erneut.',
  'error.internal': 'Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.',

  'phase.label': 'Phase',
  'phase.draft': 'Entwurf',
  'phase.ideas': 'Ideensammlung',
  'phase.live': 'Live',
  'phase.closed': 'Abgeschlossen',
  'phase.archived': 'Archiviert',

  'list.title': 'Konferenzen',
  'list.intro': 'Alle Beteiligungsveranstaltungen auf einen Blick.',
  'list.empty': 'Es gibt noch keine Konferenzen.',
  'list.count.one': '{count} Konferenz',
  'list.count.other': '{count} Konferenzen',
  'list.loadMore': 'Weitere laden',

  'login.title': 'Anmelden',
  'login.intro': 'Anmeldung für Organisatorinnen und Organisatoren.',
  'login.needed': 'Bitte melden Sie sich an, um fortzufahren.',
  'login.email': 'E-Mail-Adresse',
  'login.password': 'Passwort',
  'login.submit': 'Anmelden',
  'login.submitting': 'Anmeldung läuft …',
  'login.invalidCredentials': 'E-Mail-Adresse oder Passwort ist falsch.',
  'login.rateLimited.one': 'Zu viele Anmeldeversuche. Bitte versuchen Sie es in {count} Sekunde erneut.',
  'login.rateLimited.other': 'Zu viele Anmeldeversuche. Bitte versuchen Sie es in {count} Sekunden erneut.',
  'login.rateLimitedLater': 'Zu viele Anmeldeversuche. Bitte versuchen Sie es später erneut.',
  'login.success': 'Sie sind angemeldet als {name}.',
  'login.already': 'Sie sind bereits angemeldet als {name}.',
  'logout.success': 'Sie wurden abgemeldet.',

  'form.slug': 'Kurzbezeichnung',
  'form.slugHint': 'Kleinbuchstaben a–z, Ziffern und einzelne Bindestriche, höchstens 60 Zeichen, z. B. mitarbeitendenkonferenz-2026. Sie bildet die Adresse der Konferenz (/c/…) und lässt sich später nicht ändern.',
  'form.slugTaken': 'Diese Kurzbezeichnung ist bereits vergeben.',
  'form.title': 'Titel',
  'form.description': 'Beschreibung',
  'form.descriptionHint': 'Reiner Text; Zeilenumbrüche bleiben erhalten.',
  'form.startsAt': 'Beginn',
  'form.endsAt': 'Ende',
  'form.timeHint': 'Datum und Uhrzeit in deutscher Zeit (Europe/Berlin).',
  'form.venue': 'Veranstaltungsort',
  'form.capacity': 'Plätze',
  'form.capacityHint': 'Höchstzahl der Teilnehmenden.',

  'new.title': 'Neue Konferenz anlegen',
  'new.submit': 'Konferenz anlegen',
  'new.submitting': 'Wird angelegt …',
  'new.success': 'Die Konferenz „{title}“ wurde angelegt.',

  'conference.notFound': 'Konferenz nicht gefunden',
  'conference.notFoundText': 'Unter dieser Adresse gibt es keine Konferenz. Vielleicht wurde sie umbenannt oder ist noch nicht veröffentlicht.',
  'conference.when': 'Zeitraum',
  'conference.venue': 'Ort',
  'conference.capacity': 'Plätze',
  'conference.description': 'Beschreibung',
  'conference.noDescription': 'Keine Beschreibung vorhanden.',
  'conference.joinCode': 'Beitrittscode',
  'conference.joinCodeHint': 'Teilnehmende geben diesen Code ein, um der Konferenz beizutreten.',
  'conference.edit': 'Konferenz bearbeiten',

  'edit.title': 'Konferenz bearbeiten',
  'edit.detailsHeading': 'Angaben',
  'edit.slugLabel': 'Kurzbezeichnung:',
  'edit.submit': 'Änderungen speichern',
  'edit.submitting': 'Wird gespeichert …',
  'edit.saved': 'Änderungen gespeichert.',
  'edit.noChanges': 'Es gibt keine Änderungen zum Speichern.',
  'edit.stale': 'Die Konferenz wurde inzwischen von jemand anderem geändert. Laden Sie die aktuelle Fassung und tragen Sie Ihre Änderungen erneut ein.',
  'edit.reload': 'Aktuelle Fassung laden',
  'edit.reloaded': 'Die aktuelle Fassung wurde geladen.',
  'edit.phaseHeading': 'Phase',
  'edit.currentPhase': 'Aktuelle Phase:',
  'edit.moveTo': 'Wechseln zu: {phase}',
  'edit.noNextPhase': 'Aus dieser Phase ist kein weiterer Wechsel möglich.',
  'edit.phaseChanged': 'Die Phase ist jetzt „{phase}“.',
  'edit.joinCodeHeading': 'Beitrittscode',
  'edit.regenerate': 'Neuen Beitrittscode erzeugen',
  'edit.regenerateHint': 'Der bisherige Code wird dabei ungültig.',
  'edit.regenerated': 'Neuer Beitrittscode: {code}',
  'edit.view': 'Zur Konferenzseite',

  'form.marketHeading': 'Markt der Ideen',
  'form.topics': 'Themen',
  'form.topicsHint': 'Ein Thema pro Zeile. Jede Idee wird einem Thema zugeordnet; leer lassen, wenn es keine Themen gibt.',
  'form.departments': 'Bereiche',
  'form.departmentsHint': 'Ein Bereich (Amt, Fachbereich) pro Zeile. Teilnehmende und Ideen können einen davon angeben.',
  'form.anonymity': 'Anonyme Ideen',
  'form.anonymity.never': 'Nicht erlaubt: Jede Idee zeigt den Namen.',
  'form.anonymity.allowed': 'Erlaubt: Wer eine Idee einreicht, entscheidet selbst.',
  'form.anonymity.always': 'Immer: Keine Idee zeigt einen Namen.',
  'form.lateIdeas': 'Auch in der Live-Phase noch Ideen annehmen',

  'participate.heading': 'Mitmachen',
  'participate.intro': 'Treten Sie mit dem Beitrittscode bei, um Ideen einzureichen und zu unterstützen.',
  'participate.join': 'Jetzt beitreten',
  'participate.joinedAs': 'Angemeldet als {name}',
  'participate.joinedAsDepartment': 'Angemeldet als {name} ({department})',
  'participate.change': 'Name oder Bereich ändern',
  'participate.market': 'Markt der Ideen',
  'participate.closed': 'Diese Konferenz ist archiviert. Ein Beitritt ist nicht mehr möglich.',

  'join.title': 'Konferenz beitreten',
  'join.code': 'Beitrittscode',
  'join.codeHint': 'Sie finden den Code in der Einladung oder im Saal auf der Leinwand.',
  'join.displayName': 'Ihr Name',
  'join.displayNameHint': 'So erscheinen Sie bei Ihren Ideen, außer wenn Sie anonym einreichen. Höchstens 60 Zeichen.',
  'join.department': 'Bereich',
  'join.noDepartment': 'Keine Angabe',
  'join.submit': 'Beitreten',
  'join.submitting': 'Beitritt läuft …',
  'join.save': 'Angaben speichern',
  'join.already': 'Sie sind bereits beigetreten als {name}. Hier können Sie Ihren Namen und Bereich ändern.',
  'join.success': 'Willkommen, {name}! Sie sind der Konferenz beigetreten.',
  'join.updated': 'Ihre Angaben wurden gespeichert.',
  'join.notPossible': 'In der aktuellen Phase ist kein Beitritt möglich.',
  'join.rateLimited.one': 'Zu viele falsche Codes. Bitte versuchen Sie es in {count} Sekunde erneut.',
  'join.rateLimited.other': 'Zu viele falsche Codes. Bitte versuchen Sie es in {count} Sekunden erneut.',
  'join.rateLimitedLater': 'Zu viele falsche Codes. Bitte versuchen Sie es später erneut.',
  'join.needed': 'Zum Einreichen und Unterstützen bitte zuerst der Konferenz beitreten.',

  'ideas.title': 'Markt der Ideen',
  'ideas.filters': 'Filter und Reihenfolge',
  'ideas.topic': 'Thema',
  'ideas.allTopics': 'Alle Themen',
  'ideas.department': 'Bereich',
  'ideas.allDepartments': 'Alle Bereiche',
  'ideas.sort': 'Reihenfolge',
  'ideas.sort.newest': 'Neueste',
  'ideas.sort.supports': 'Meiste Unterstützung',
  'ideas.sort.comments': 'Meist diskutiert',
  'ideas.sort.random': 'Zufällig',
  'ideas.randomHint': 'Zufällige Reihenfolge: Jede Idee hat die gleiche Chance, weit oben zu stehen. Die Reihenfolge bleibt für Ihre Sitzung gleich.',
  'ideas.count.one': '{count} Idee',
  'ideas.count.other': '{count} Ideen',
  'ideas.empty': 'Noch gibt es keine Ideen. Machen Sie den Anfang!',
  'ideas.emptyFiltered': 'Keine Idee passt zu diesen Filtern.',
  'ideas.loadMore': 'Mehr laden',
  'ideas.new': 'Idee einreichen',
  'ideas.anonymous': 'Anonym',
  'ideas.byline': 'von {name}',
  'ideas.supports.one': '{count} Unterstützung',
  'ideas.supports.other': '{count} Unterstützungen',
  'ideas.comments.one': '{count} Kommentar',
  'ideas.comments.other': '{count} Kommentare',
  'ideas.support': 'Unterstützen',
  'ideas.supportLabel': 'Idee „{title}“ unterstützen',
  'ideas.supportedStatus': 'Sie unterstützen „{title}“.',
  'ideas.unsupportedStatus': 'Unterstützung für „{title}“ zurückgenommen.',
  'ideas.supportJoin': 'Zum Unterstützen bitte zuerst der Konferenz beitreten.',
  'ideas.supportClosed': 'In der aktuellen Phase kann nicht unterstützt werden.',
  'ideas.hiddenBadge': 'Ausgeblendet',

  'idea.form.title': 'Titel',
  'idea.form.titleHint': '3 bis 140 Zeichen, kurz und aussagekräftig.',
  'idea.form.body': 'Beschreibung',
  'idea.form.bodyHint': 'Höchstens 10.000 Zeichen. Möglich sind **fett**, *kursiv*, Listen mit „- “ am Zeilenanfang und Links wie [Text](https://…).',
  'idea.form.counter': '{count} von {max} Zeichen',
  'idea.form.counterOver': '{count} von {max} Zeichen – {over} zu viel',
  'idea.form.topic': 'Thema',
  'idea.form.chooseTopic': 'Bitte wählen',
  'idea.form.department': 'Bereich',
  'idea.form.noDepartment': 'Keine Angabe',
  'idea.form.anonymous': 'Anonym einreichen – Ihr Name wird nicht angezeigt',
  'idea.form.anonymityHeading': 'Namensnennung',
  'idea.form.anonymityNever': 'Bei dieser Konferenz erscheinen Ideen immer mit Ihrem Namen ({name}).',
  'idea.form.anonymityAlways': 'Bei dieser Konferenz erscheinen alle Ideen anonym, ohne Namen.',
  'idea.form.anonymityAllowed': 'Ihre Idee erscheint mit Ihrem Namen ({name}), außer Sie reichen sie anonym ein.',

  'newIdea.title': 'Idee einreichen',
  'newIdea.submit': 'Idee einreichen',
  'newIdea.submitting': 'Wird eingereicht …',
  'newIdea.success': 'Ihre Idee „{title}“ wurde eingereicht.',
  'newIdea.closed': 'In der aktuellen Phase können keine Ideen eingereicht werden.',

  'idea.notFound': 'Idee nicht gefunden',
  'idea.notFoundText': 'Diese Idee gibt es nicht oder sie ist nicht öffentlich.',
  'idea.topic': 'Thema',
  'idea.department': 'Bereich',
  'idea.author': 'Von',
  'idea.createdAt': 'Eingereicht',
  'idea.noBody': 'Keine Beschreibung.',
  'idea.hidden': 'Diese Idee ist ausgeblendet und für andere nicht sichtbar.',
  'idea.hiddenReason': 'Grund: {reason}',
  'idea.merged': 'Diese Idee wurde mit einer anderen zusammengeführt.',
  'idea.mergedLink': 'Zur zusammengeführten Idee',
  'idea.edit': 'Bearbeiten',
  'idea.backToMarket': 'Zurück zum Markt der Ideen',

  'editIdea.title': 'Idee bearbeiten',
  'editIdea.saved': 'Die Idee wurde gespeichert.',
  'editIdea.stale': 'Die Idee wurde inzwischen geändert. Laden Sie die aktuelle Fassung und tragen Sie Ihre Änderungen erneut ein.',
  'editIdea.notAllowed': 'Sie können diese Idee nicht bearbeiten.',
  'editIdea.view': 'Zur Idee',

  'notFound.title': 'Seite nicht gefunden',
  'notFound.text': 'Die angeforderte Seite gibt es nicht.',
  'notFound.home': 'Zur Startseite',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof de;

const en: Record<MessageKey, string> = {
  'app.name': 'ideenmarkt',
  'skip.toMain': 'Skip to main content',
  'nav.label': 'Main navigation',
  'nav.conferences': 'Conferences',
  'nav.newConference': 'New conference',
  'nav.login': 'Log in',
  'nav.logout': 'Log out',
  'nav.signedInAs': 'Signed in as {name}',
  'lang.label': 'Language',
  'lang.de': 'Deutsch',
  'lang.en': 'English',
  'theme.dark': 'Dark theme',
  'footer.text': 'ideenmarkt – open-source participation platform for public administrations',
  'page.suffix': 'ideenmarkt',

  'common.loading': 'Loading …',
  'common.retry': 'Try again',
  'common.backToList': 'Back to the overview',
  'common.required': 'required',

  'error.generic': 'Something went wrong. Please try again.',
  'error.network': 'The server cannot be reached. Please check your connection.',
  'error.forbidden': 'You do not have permission to do that.',
  'error.unauthorized': 'Please log in.',
  'error.summary': 'Please correct the marked fields.',
  'error.invalid': 'The input is not valid.',
  'error.notFound': 'What you were looking for was not found.',
  'error.conflict': 'This is not possible in the current state. Please reload the page.',
  'error.rateLimited': 'Too many attempts. Please wait a moment.',
  'error.unavailable': 'The service is unavailable right now. Please try again later.',
  'error.internal': 'An error occurred on the server. Please try again later.',

  'phase.label': 'Phase',
  'phase.draft': 'Draft',
  'phase.ideas': 'Idea collection',
  'phase.live': 'Live',
  'phase.closed': 'Closed',
  'phase.archived': 'Archived',

  'list.title': 'Conferences',
  'list.intro': 'All participation events at a glance.',
  'list.empty': 'There are no conferences yet.',
  'list.count.one': '{count} conference',
  'list.count.other': '{count} conferences',
  'list.loadMore': 'Load more',

  'login.title': 'Log in',
  'login.intro': 'Sign-in for organisers.',
  'login.needed': 'Please log in to continue.',
  'login.email': 'Email address',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.submitting': 'Logging in …',
  'login.invalidCredentials': 'The email address or password is incorrect.',
  'login.rateLimited.one': 'Too many login attempts. Please try again in {count} second.',
  'login.rateLimited.other': 'Too many login attempts. Please try again in {count} seconds.',
  'login.rateLimitedLater': 'Too many login attempts. Please try again later.',
  'login.success': 'You are logged in as {name}.',
  'login.already': 'You are already logged in as {name}.',
  'logout.success': 'You have been logged out.',

  'form.slug': 'Slug',
  'form.slugHint': 'Lower-case letters a–z, digits and single hyphens, at most 60 characters, e.g. staff-conference-2026. It forms the conference address (/c/…) and cannot be changed later.',
  'form.slugTaken': 'This slug is already taken.',
  'form.title': 'Title',
  'form.description': 'Description',
  'form.descriptionHint': 'Plain text; line breaks are kept.',
  'form.startsAt': 'Starts',
  'form.endsAt': 'Ends',
  'form.timeHint': 'Date and time in German time (Europe/Berlin).',
  'form.venue': 'Venue',
  'form.capacity': 'Capacity',
  'form.capacityHint': 'Maximum number of participants.',

  'new.title': 'Create a new conference',
  'new.submit': 'Create conference',
  'new.submitting': 'Creating …',
  'new.success': 'The conference “{title}” has been created.',

  'conference.notFound': 'Conference not found',
  'conference.notFoundText': 'There is no conference at this address. It may have been renamed or not yet published.',
  'conference.when': 'When',
  'conference.venue': 'Venue',
  'conference.capacity': 'Capacity',
  'conference.description': 'Description',
  'conference.noDescription': 'No description given.',
  'conference.joinCode': 'Join code',
  'conference.joinCodeHint': 'Participants enter this code to join the conference.',
  'conference.edit': 'Edit conference',

  'edit.title': 'Edit conference',
  'edit.detailsHeading': 'Details',
  'edit.slugLabel': 'Slug:',
  'edit.submit': 'Save changes',
  'edit.submitting': 'Saving …',
  'edit.saved': 'Changes saved.',
  'edit.noChanges': 'There are no changes to save.',
  'edit.stale': 'Someone else has changed this conference in the meantime. Load the current version and enter your changes again.',
  'edit.reload': 'Load current version',
  'edit.reloaded': 'The current version has been loaded.',
  'edit.phaseHeading': 'Phase',
  'edit.currentPhase': 'Current phase:',
  'edit.moveTo': 'Move to: {phase}',
  'edit.noNextPhase': 'No further phase change is possible from here.',
  'edit.phaseChanged': 'The phase is now “{phase}”.',
  'edit.joinCodeHeading': 'Join code',
  'edit.regenerate': 'Generate a new join code',
  'edit.regenerateHint': 'The previous code stops working.',
  'edit.regenerated': 'New join code: {code}',
  'edit.view': 'Go to the conference page',

  'form.marketHeading': 'Idea market',
  'form.topics': 'Topics',
  'form.topicsHint': 'One topic per line. Every idea is filed under one topic; leave empty if there are no topics.',
  'form.departments': 'Departments',
  'form.departmentsHint': 'One department (office, division) per line. Participants and ideas can name one of them.',
  'form.anonymity': 'Anonymous ideas',
  'form.anonymity.never': 'Not allowed: every idea shows its author’s name.',
  'form.anonymity.allowed': 'Allowed: whoever submits an idea decides.',
  'form.anonymity.always': 'Always: no idea shows a name.',
  'form.lateIdeas': 'Still accept ideas in the live phase',

  'participate.heading': 'Take part',
  'participate.intro': 'Join with the join code to submit and support ideas.',
  'participate.join': 'Join now',
  'participate.joinedAs': 'Joined as {name}',
  'participate.joinedAsDepartment': 'Joined as {name} ({department})',
  'participate.change': 'Change name or department',
  'participate.market': 'Idea market',
  'participate.closed': 'This conference is archived. It can no longer be joined.',

  'join.title': 'Join the conference',
  'join.code': 'Join code',
  'join.codeHint': 'You find the code in the invitation or on the screen in the hall.',
  'join.displayName': 'Your name',
  'join.displayNameHint': 'This is how you appear with your ideas, unless you submit anonymously. At most 60 characters.',
  'join.department': 'Department',
  'join.noDepartment': 'Not specified',
  'join.submit': 'Join',
  'join.submitting': 'Joining …',
  'join.save': 'Save details',
  'join.already': 'You have already joined as {name}. You can change your name and department here.',
  'join.success': 'Welcome, {name}! You have joined the conference.',
  'join.updated': 'Your details have been saved.',
  'join.notPossible': 'The conference cannot be joined in its current phase.',
  'join.rateLimited.one': 'Too many wrong codes. Please try again in {count} second.',
  'join.rateLimited.other': 'Too many wrong codes. Please try again in {count} seconds.',
  'join.rateLimitedLater': 'Too many wrong codes. Please try again later.',
  'join.needed': 'Please join the conference first to submit and support ideas.',

  'ideas.title': 'Idea market',
  'ideas.filters': 'Filters and order',
  'ideas.topic': 'Topic',
  'ideas.allTopics': 'All topics',
  'ideas.department': 'Department',
  'ideas.allDepartments': 'All departments',
  'ideas.sort': 'Order',
  'ideas.sort.newest': 'Newest',
  'ideas.sort.supports': 'Most supported',
  'ideas.sort.comments': 'Most discussed',
  'ideas.sort.random': 'Random',
  'ideas.randomHint': 'Random order: every idea has the same chance to be near the top. The order stays the same during your session.',
  'ideas.count.one': '{count} idea',
  'ideas.count.other': '{count} ideas',
  'ideas.empty': 'There are no ideas yet. Be the first!',
  'ideas.emptyFiltered': 'No idea matches these filters.',
  'ideas.loadMore': 'Load more',
  'ideas.new': 'Submit an idea',
  'ideas.anonymous': 'Anonymous',
  'ideas.byline': 'by {name}',
  'ideas.supports.one': '{count} supporter',
  'ideas.supports.other': '{count} supporters',
  'ideas.comments.one': '{count} comment',
  'ideas.comments.other': '{count} comments',
  'ideas.support': 'Support',
  'ideas.supportLabel': 'Support the idea “{title}”',
  'ideas.supportedStatus': 'You support “{title}”.',
  'ideas.unsupportedStatus': 'Support for “{title}” withdrawn.',
  'ideas.supportJoin': 'Please join the conference first to support ideas.',
  'ideas.supportClosed': 'Ideas cannot be supported in the current phase.',
  'ideas.hiddenBadge': 'Hidden',

  'idea.form.title': 'Title',
  'idea.form.titleHint': '3 to 140 characters, short and to the point.',
  'idea.form.body': 'Description',
  'idea.form.bodyHint': 'At most 10,000 characters. You can use **bold**, *italic*, lists with “- ” at the start of a line and links like [text](https://…).',
  'idea.form.counter': '{count} of {max} characters',
  'idea.form.counterOver': '{count} of {max} characters – {over} too many',
  'idea.form.topic': 'Topic',
  'idea.form.chooseTopic': 'Please choose',
  'idea.form.department': 'Department',
  'idea.form.noDepartment': 'Not specified',
  'idea.form.anonymous': 'Submit anonymously – your name is not shown',
  'idea.form.anonymityHeading': 'Name',
  'idea.form.anonymityNever': 'At this conference ideas always show your name ({name}).',
  'idea.form.anonymityAlways': 'At this conference all ideas are shown anonymously, without a name.',
  'idea.form.anonymityAllowed': 'Your idea shows your name ({name}) unless you submit it anonymously.',

  'newIdea.title': 'Submit an idea',
  'newIdea.submit': 'Submit idea',
  'newIdea.submitting': 'Submitting …',
  'newIdea.success': 'Your idea “{title}” has been submitted.',
  'newIdea.closed': 'Ideas cannot be submitted in the current phase.',

  'idea.notFound': 'Idea not found',
  'idea.notFoundText': 'This idea does not exist or is not public.',
  'idea.topic': 'Topic',
  'idea.department': 'Department',
  'idea.author': 'By',
  'idea.createdAt': 'Submitted',
  'idea.noBody': 'No description.',
  'idea.hidden': 'This idea is hidden and not visible to others.',
  'idea.hiddenReason': 'Reason: {reason}',
  'idea.merged': 'This idea has been merged into another one.',
  'idea.mergedLink': 'Go to the merged idea',
  'idea.edit': 'Edit',
  'idea.backToMarket': 'Back to the idea market',

  'editIdea.title': 'Edit idea',
  'editIdea.saved': 'The idea has been saved.',
  'editIdea.stale': 'The idea has been changed in the meantime. Load the current version and enter your changes again.',
  'editIdea.notAllowed': 'You cannot edit this idea.',
  'editIdea.view': 'Go to the idea',

  'notFound.title': 'Page not found',
  'notFound.text': 'The page you requested does not exist.',
  'notFound.home': 'Go to the start page',
};

export const catalogues: Record<Lang, Record<MessageKey, string>> = { de, en };

/** Values substituted for `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

/** Base names of count-dependent messages, i.e. keys that exist as `<base>.one` and `<base>.other`. */
export type PluralBase = {
  [K in MessageKey]: K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never;
}[MessageKey];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** Replaces `{name}` placeholders; unknown placeholders are left as they are. */
export function interpolate(message: string, params?: MessageParams): string {
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** Looks up `key` in the catalogue of `lang` (German as fallback) and fills in `params`. */
export function translate(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const message = catalogues[lang][key] ?? catalogues[defaultLang][key] ?? key;
  return interpolate(message, params);
}

/**
 * Picks `<base>.one` or `<base>.other` by the plural rules of `lang` and
 * substitutes `{count}` with the number formatted for that language.
 */
export function translatePlural(lang: Lang, base: PluralBase, count: number, params?: MessageParams): string {
  const category = new Intl.PluralRules(intlLocale[lang]).select(count);
  const key = (category === 'one' ? `${base}.one` : `${base}.other`) as MessageKey;
  return translate(lang, key, { ...params, count: formatNumber(lang, count) });
}

/** Formats an integer or decimal for display in `lang` (e.g. 1.200 in German). */
export function formatNumber(lang: Lang, value: number): string {
  return new Intl.NumberFormat(intlLocale[lang]).format(value);
}
