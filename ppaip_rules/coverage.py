"""The coverage matrix of the CCTP: every obligation of §1 to §6.11 and what encodes it.

Each :class:`Obligation` of the contract is covered by the rules that encode
it, by a contract parameter (a figure of :class:`~ppaip_rules.parameters.
ContractParameters` that callers read), or is marked *non automatisable* with
the reason (participation in commissions, quality of the pedagogy…). The
matrix is data of the package: the documentation renders it, and the tests
check that it names only registered rules and that every registered rule
appears in it.

:data:`AREAS` groups the rule IDs of the specification by area of the
contract, in the order of the specification; the rule catalogue of the
documentation follows it. Both lists are written by hand from the
specification (RULES.md), so that a rule that disappears from the code, or a
new rule nobody mapped to its clause, fails a test.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Section:
    """An article of the CCTP (``6.2 B``) and its French heading."""

    number: str
    title: str


@attrs.frozen
class Obligation:
    """One obligation of the contract and how the library covers it.

    ``rules``: IDs of the rules that encode it; ``parameters``: names of
    contract parameters that hold its figures; ``not_automatable``: the reason
    why no program can check it (then ``rules`` is empty). ``note`` adds a
    precision for the reader.
    """

    section: str
    text: str
    rules: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    parameters: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    not_automatable: str | None = None
    note: str | None = None

    @property
    def status(self) -> str:
        """``rules``, ``parameter`` or ``not-automatable``."""
        if self.rules:
            return "rules"
        if self.parameters:
            return "parameter"
        return "not-automatable"


@attrs.frozen
class Area:
    """An area of the contract for the rule catalogue (``Programme``)."""

    slug: str
    title: str
    clauses: str
    summary: str
    rules: tuple[str, ...] = attrs.field(converter=tuple)


SECTIONS: tuple[Section, ...] = (
    Section("1.1", "Objet"),
    Section("1.2", "Lots"),
    Section("1.3", "Pouvoir adjudicateur"),
    Section("1.4", "Durée du marché"),
    Section("1.5", "Volumétries prévisionnelles indicatives"),
    Section("2 a", "Prévenir la récidive"),
    Section("2 b", "Lutter contre toute discrimination"),
    Section("2 c", "Favoriser l'individualisation des peines"),
    Section("2 d", "Inscrire son intervention dans un réseau partenarial"),
    Section("3", "Objectifs du programme"),
    Section("4", "Établissements et SPIP concernés"),
    Section("5", "Public concerné"),
    Section("6", "Mise en œuvre du programme (dispositions générales)"),
    Section("6.1-1", "L'orientation"),
    Section("6.1-2", "La prescription"),
    Section("6.1-3", "La validation ou le refus de la proposition d'accompagnement"),
    Section("6.2", "Déclinaison du programme : contenu et durée"),
    Section("6.2 A", "Le PPAIP individuel"),
    Section("6.2 B", "Le PPAIP collectif"),
    Section("6.3", "Le contenu de l'accompagnement"),
    Section("6.4", "Le rythme"),
    Section("6.5", "Le suivi du programme"),
    Section("6.6", "La fin du programme"),
    Section("6.7", "Les moyens humains"),
    Section("6.8", "Les locaux"),
    Section("6.9", "Les livrables"),
    Section("6.10", "Le reporting"),
    Section("6.11", "L'évaluation du programme"),
)

_NA_QUALITY = ("appréciation de la qualité de l'accompagnement, faite par le SPIP et la DISP "
               "au vu des bilans et des comités de suivi")
_NA_RESPONSE = "engagement à décrire dans l'offre du candidat (mémoire technique), pas un fait daté"

Ob = Obligation

MATRIX: tuple[Obligation, ...] = (
    # §1 Identification and description of the market
    Ob("1.1", "Objectifs du PPAIP : élaborer un projet professionnel, construire un parcours "
             "d'insertion, sécuriser le parcours après la fin du suivi judiciaire.",
      not_automatable="finalités du dispositif ; leur atteinte relève de l'évaluation du "
                      "programme (6.10, 6.11)"),
    Ob("1.1", "Deux modalités, en milieu fermé comme en milieu ouvert : le PPAIP individuel "
             "(face-à-face) et le PPAIP collectif (ateliers en groupe).",
      rules=("PROG-IND-HOURS", "PROG-COLL-HOURS")),
    Ob("1.1", "En milieu fermé, le PPAIP peut être prescrit en parallèle d'une formation, d'un "
             "travail ou d'une autre activité si l'emploi du temps le permet.",
      rules=("PROG-TRAINING-OVERLAP",)),
    Ob("1.1", "En milieu ouvert, le PPAIP peut être mobilisé dans un module pédagogique d'un "
             "parcours de travail d'intérêt général (TIG).",
      not_automatable="possibilité offerte au SPIP, pas une obligation du titulaire"),
    Ob("1.2", "Le marché compte 6 lots, chacun avec ses SPIP.",
      rules=("LOT-DEF",), parameters=("lots",)),
    Ob("1.3", "Le pouvoir adjudicateur par délégation est la DISP de Dijon.",
      parameters=("name",), note="Information sur l'acheteur : rien à contrôler."),
    Ob("1.4", "Durée initiale de 24 mois, reconductible 2 fois tacitement pour 12 mois ; "
             "démarrage courant 2025.",
      rules=("CONTRACT-TERM",),
      parameters=("initial_term_months", "renewals", "renewal_months", "start_year")),
    Ob("1.5", "Volumes prévisionnels par lot sur 24 mois (heures individuelles et collectives, "
             "9 900 heures au total).",
      rules=("LOT-DEF", "LOT-VOLUME"), parameters=("lots", "forecast_months")),
    Ob("1.5", "Les volumes peuvent être réajustés à la hausse comme à la baisse.",
      rules=("LOT-VOLUME",),
      note="Un dépassement du volume prévisionnel est donc un avertissement, jamais une "
           "violation."),
    Ob("1.5", "Paiement à la séance d'intervention.", rules=("CONTRACT-PAY",)),
    Ob("1.5", "Le prix de la séance inclut la préparation, la coordination, les réunions, les "
             "comptes rendus et les frais de déplacement.",
      rules=("CONTRACT-PRICE",),
      note="Contrôlé sur les lignes de facture : aucun de ces postes n'est facturé à part."),
    # §2 General orientations
    Ob("2 a", "Concourir à la prévention de la récidive.",
      not_automatable="finalité du dispositif, appréciée par l'administration pénitentiaire"),
    Ob("2 b", "Veiller à une bonne couverture des publics cibles : les femmes et les jeunes "
             "sans qualification.",
      rules=("REP-TARGET-PUBLIC",)),
    Ob("2 b", "Respecter les principes du service public : égalité de traitement, "
             "non-discrimination, confidentialité, protection de la vie privée.",
      not_automatable="principes de conduite ; la bibliothèque y contribue en ne recopiant "
                      "jamais de donnée personnelle dans ses messages"),
    Ob("2 b", "Respecter le code pénitentiaire (art. R 123-1 à R 123-5), le droit à l'image des "
             "personnes détenues (CPP art. D.445) et la propriété intellectuelle de leurs "
             "réalisations.",
      not_automatable="obligations juridiques de comportement, sans donnée à contrôler"),
    Ob("2 c", "Placer la personnalisation de l'accompagnement au centre de l'action.",
      not_automatable=_NA_QUALITY,
      note="La proposition de programme décrite et justifiée (PROG-PROPOSAL) en est la trace."),
    Ob("2 d", "Entretenir des relations partenariales et communiquer régulièrement avec les "
             "acteurs de l'insertion.",
      not_automatable="relations de travail, sans acte daté à contrôler"),
    Ob("2 d", "Participer aux commissions locales d'insertion professionnelle.",
      rules=("REP-MEETINGS",)),
    Ob("2 d", "Informer régulièrement le SPIP de l'évolution du parcours des personnes suivies.",
      rules=("PROG-CALENDAR-CHANGE", "RUN-INTERRUPTION-48H"),
      note="« Régulièrement » n'a pas de fréquence : seuls les signalements datés sont "
           "contrôlés."),
    Ob("2 d", "En cas de manquement, l'article 30 du CCAG FCS (réception des documents) "
             "s'applique.",
      not_automatable="régime de sanction décidé par l'acheteur"),
    # §3 Objectives
    Ob("3", "Conduire la personne à définir un projet professionnel réaliste et réalisable.",
      not_automatable=_NA_QUALITY),
    Ob("3", "Signaler au CPIP référent, dans les 48 heures suivant le premier entretien "
           "individuel, une personne qui ne peut pas être suivie, avec un motif obligatoire.",
      rules=("REFUSAL-48H",), parameters=("delays",)),
    Ob("3", "En milieu fermé, s'inscrire en complémentarité des dispositifs d'emploi et de "
           "formation ; éclairer la CPU.",
      not_automatable=_NA_QUALITY),
    Ob("3", "En milieu ouvert, ne pas activer le PPAIP en doublon d'une association "
           "conventionnée par le SPIP pour un accompagnement global.",
      rules=("ELIG-NO-DUPLICATE-MO",)),
    Ob("3", "Restituer le travail dans un document de synthèse (programme réalisé, projet "
           "professionnel, plan d'action, réalisations éventuelles).",
      rules=("END-BILAN-CONTENT",)),
    Ob("3", "Le programme n'a pas de caractère obligatoire ; le SPIP évalue son opportunité.",
      rules=("ELIG-VOLUNTEER",)),
    # §4 Establishments and SPIPs
    Ob("4", "Établissements et SPIP concernés : liste de l'annexe 1 du CCTP.",
      parameters=("lots",),
      note="L'annexe 1 n'est pas reproduite dans le CCTP : les SPIP de chaque lot sont des "
           "paramètres, les établissements sont des données d'entrée (tableau d'effectifs)."),
    # §5 Public
    Ob("5", "Être majeur.", rules=("ELIG-ADULT",), parameters=("age_of_majority",)),
    Ob("5", "Être une personne prévenue ou condamnée, suivie par le SPIP.",
      rules=("ELIG-STATUS",)),
    Ob("5", "Être volontaire pour s'inscrire dans un parcours d'insertion.",
      rules=("ELIG-VOLUNTEER",)),
    Ob("5", "Avoir besoin d'être accompagné pour identifier ou construire un projet "
           "professionnel ou de formation.",
      rules=("ELIG-NEED",)),
    Ob("5", "Les conditions sont cumulatives.", rules=("ELIG-CUMULATIVE",)),
    Ob("5", "Entrer dans le dispositif seulement après une prescription du SPIP (CPIP ou "
           "assistant·e de service social).",
      rules=("ELIG-PRESCRIBED",)),
    Ob("5", "En milieu ouvert, être en situation régulière sur le territoire national.",
      rules=("ELIG-RESIDENCE-MO",)),
    # §6 General provisions of the implementation
    Ob("6", "Intégrer les particularités du milieu carcéral (sécurité, organisation, absence "
           "d'Internet) et pouvoir proposer des actions extra-muros.",
      not_automatable=_NA_RESPONSE),
    Ob("6", "Garantir un haut niveau de qualité et un lien permanent avec l'administration "
           "pénitentiaire et les partenaires.",
      not_automatable=_NA_QUALITY),
    # 6.1-1 Orientation
    Ob("6.1-1", "Une demande d'orientation vient d'une des origines listées et est transmise "
               "au SPIP sur IPRO 360° (par courriel seulement en cas d'impossibilité "
               "technique).",
      rules=("ORIENT-SOURCE",), parameters=("orientation_sources",)),
    Ob("6.1-1", "Les modalités d'information sur le dispositif sont définies avec le SPIP.",
      not_automatable="organisation convenue localement, sans forme imposée"),
    # 6.1-2 Prescription
    Ob("6.1-2", "Le titulaire n'est pas habilité à prescrire ; la prescription est la seule "
               "compétence du SPIP et passe par IPRO 360°.",
      rules=("ELIG-PRESCRIBED",)),
    Ob("6.1-2", "Communiquer avec le SPIP sur IPRO 360° avec des adresses de messagerie "
               "nominatives.",
      not_automatable="configuration des comptes de messagerie, hors des données traitées"),
    Ob("6.1-2", "Rencontrer une première fois la personne dans les 5 jours suivant la "
               "réception de la prescription.",
      rules=("PROG-FIRST-MEETING",), parameters=("delays",)),
    Ob("6.1-2", "Consulter la synthèse du diagnostic socio-professionnel avant l'entretien et "
               "ne pas redemander les éléments qu'elle contient.",
      rules=("PROG-DIAGNOSTIC",)),
    Ob("6.1-2", "Après le premier entretien, transmettre au CPIP le programme proposé avec ses "
               "heures, décrit et justifié.",
      rules=("PROG-PROPOSAL",)),
    # 6.1-3 Validation or refusal
    Ob("6.1-3", "Le CPIP valide ou refuse ; après un refus, une nouvelle proposition peut être "
               "soumise ; toute modification du contenu ou de la durée est une nouvelle "
               "proposition.",
      rules=("PROG-VALIDATION",)),
    Ob("6.1-3", "Démarrer le programme dans les 5 jours suivant sa validation.",
      rules=("PROG-START",), parameters=("delays",)),
    Ob("6.1-3", "Renseigner les heures effectivement réalisées.",
      rules=("PROG-HOURS-REALISED",)),
    Ob("6.1-3", "Absence du fait de la personne : nouvelle convocation ; une nouvelle absence "
               "non justifiée vaut abandon.",
      rules=("RUN-ABSENCE",)),
    Ob("6.1-3", "Indisponibilité de la personne ou événement exceptionnel dans l'établissement : "
               "le programme est suspendu, non arrêté, et reprend dès que possible.",
      rules=("RUN-SUSPENSION",)),
    Ob("6.1-3", "Sans prescription des CPIP, assurer au minimum une permanence bimensuelle par "
               "site (milieu fermé et milieu ouvert).",
      rules=("RUN-PERMANENCE",), parameters=("permanences_per_month",)),
    Ob("6.1-3", "Avec une formation financée par la Région, les séances PPAIP ont lieu hors du "
               "temps de formation.",
      rules=("PROG-TRAINING-OVERLAP",)),
    # 6.2 Programme
    Ob("6.2", "Les modalités (durée, contenu) sont définies selon la prescription et les "
             "besoins de la personne.",
      rules=("PROG-PROPOSAL", "PROG-VALIDATION")),
    Ob("6.2 A", "PPAIP individuel : entretiens en face-à-face, en présentiel, en plusieurs "
               "rencontres à intervalle régulier, de 3 heures minimum à 30 heures maximum.",
      rules=("PROG-IND-HOURS",), parameters=("individual_hours_min", "individual_hours_max")),
    Ob("6.2 A", "Actions individuelles prises dans la liste du CCTP (bilans, tests, projet "
               "professionnel, et actions optionnelles).",
      rules=("PROG-IND-ACTIONS",), parameters=("individual_actions",)),
    Ob("6.2 B", "Ateliers en groupe, idéalement de 4 à 6 personnes.",
      rules=("PROG-GROUP-SIZE",), parameters=("group_size_ideal_min", "group_size_max")),
    Ob("6.2 B", "La liste et le calendrier des ateliers sont arrêtés avec le SPIP ; des "
               "intervenants extérieurs sont préconisés, en accord avec le SPIP.",
      rules=("PROG-WORKSHOP-PLAN",),
      note="Que des intervenants extérieurs soient « préconisés » n'est pas vérifié : c'est "
           "une recommandation ; seul l'accord du SPIP, quand il y en a, l'est."),
    Ob("6.2 B", "Un atelier dure de 2 heures minimum à 30 heures maximum.",
      rules=("PROG-COLL-HOURS",), parameters=("workshop_hours_min", "workshop_hours_max")),
    Ob("6.2 B", "Les ateliers suivis en complément d'un parcours individuel le sont sur "
               "proposition du titulaire et après validation du SPIP.",
      rules=("PROG-PROPOSAL", "PROG-VALIDATION")),
    Ob("6.2 B", "Une personne sans PPAIP individuel peut suivre des ateliers ; le SPIP valide "
               "la liste des inscrits de chaque atelier par une prescription.",
      rules=("COLL-ONLY-PRESCRIBED",)),
    Ob("6.2 B", "Thèmes des ateliers pris dans la liste du CCTP, ou ateliers « à la carte » "
               "demandés par le SPIP.",
      rules=("PROG-COLL-ACTIONS",), parameters=("collective_themes",)),
    Ob("6.2 B", "Tout parcours interrompu, individuel ou collectif, est signalé au CPIP référent "
               "dans les 48 heures.",
      rules=("RUN-INTERRUPTION-48H",), parameters=("delays",)),
    Ob("6.2 B", "Prendre les contacts avec les partenaires et transmettre régulièrement des "
               "informations précises au CPIP.",
      not_automatable="relations de travail, sans fréquence fixée"),
    # 6.3 Content
    Ob("6.3", "Les temps collectifs comprennent un groupe de 6 personnes maximum.",
      rules=("PROG-GROUP-SIZE",), parameters=("group_size_max",)),
    Ob("6.3", "Veiller à la variété et à la qualité des outils pédagogiques et des ressources "
             "documentaires.",
      not_automatable=_NA_QUALITY),
    # 6.4 Rhythm
    Ob("6.4", "Chaque établissement ou SPIP précise les locaux, jours et horaires disponibles.",
      not_automatable="obligation de l'administration, pas du titulaire"),
    Ob("6.4", "Pour le volet milieu ouvert, le titulaire précise les locaux, les jours et les "
             "horaires disponibles.",
      rules=("PREM-MO-HOURS",)),
    Ob("6.4", "Proposer un calendrier personnalisé lors du premier entretien individuel et le "
             "transmettre au CPIP référent.",
      rules=("PROG-CALENDAR-PERSON", "PROG-CALENDAR")),
    Ob("6.4", "Communiquer toute modification du calendrier au CPIP et à la personne dans les "
             "48 heures.",
      rules=("PROG-CALENDAR-CHANGE",), parameters=("delays",)),
    # 6.5 Follow-up
    Ob("6.5", "Feuille d'émargement individuelle et ses mentions (annexe 3).",
      rules=("DOC-SHEET-IND",)),
    Ob("6.5", "Feuille d'émargement collective et ses mentions (annexe 4).",
      rules=("DOC-SHEET-COLL",)),
    Ob("6.5", "Convocation aux ateliers collectifs et ses mentions (annexe 2).",
      rules=("DOC-CONVOCATION",)),
    Ob("6.5", "Les feuilles d'émargement, transmises au SPIP, servent à la facturation et au "
             "contrôle des prestations, conjointement aux données extraites d'IPRO 360°.",
      rules=("CONTRACT-PAY", "DOC-SHEETS-SPIP", "DOC-HOURS-RECONCILE")),
    # 6.6 End
    Ob("6.6", "Le PPAIP se termine à l'initiative de la personne, à la fin des heures validées, "
             "ou avant si le dispositif s'interrompt.",
      rules=("END-CAUSE",)),
    Ob("6.6", "Le bilan final contient le programme réalisé, le projet professionnel et un plan "
             "d'action ; recommandations et bilan à mi-parcours sont facultatifs.",
      rules=("END-BILAN-CONTENT",)),
    Ob("6.6", "Bilan remis au bénéficiaire et au CPIP dans les 5 jours ouvrés suivant le "
             "dernier entretien individuel ; le CPIP est convié à ce dernier entretien.",
      rules=("END-BILAN-IND",), parameters=("delays",)),
    Ob("6.6", "Bilan d'un atelier collectif remis dans les 10 jours ouvrés.",
      rules=("END-BILAN-COLL",), parameters=("delays",)),
    Ob("6.6", "Bilan déposé dans le dossier IPRO 360° ; visible des autres partenaires "
             "seulement avec l'accord de la personne.",
      rules=("END-BILAN-SHARING", "DOC-IPRO-DEPOSIT")),
    Ob("6.6", "Bilans rédigés pour des personnes non initiées, lisibles par le bénéficiaire.",
      rules=("END-BILAN-CONTENT",),
      note="La présence des rubriques est contrôlée ; la lisibilité du texte reste appréciée "
           "par le lecteur."),
    # 6.7 Staffing
    Ob("6.7", "L'équipe est constituée dès le démarrage du marché ; les CV sont joints au "
             "mémoire technique.",
      rules=("STAFF-TEAM-AT-START",)),
    Ob("6.7", "Environ 30 % des intervenants (sous-traitants inclus) sont des psychologues du "
             "travail.",
      rules=("STAFF-PSY-SHARE",),
      parameters=("psychologist_share_percent", "psychologist_tolerance_points")),
    Ob("6.7", "Les psychologues sont inscrits au répertoire ADELI (RPPS depuis 2024).",
      rules=("STAFF-PSY-REGISTRY",)),
    Ob("6.7", "Les non-psychologues ont au moins le niveau III (niveau 5 aujourd'hui), de type "
             "conseiller en insertion professionnelle, avec une expérience de l'animation de "
             "prestations d'orientation ou d'insertion.",
      rules=("STAFF-QUALIF",), parameters=("min_qualification_level",)),
    Ob("6.7", "Les intervenants connaissent l'environnement socio-économique et partenarial.",
      not_automatable=_NA_QUALITY),
    Ob("6.7", "Indiquer et actualiser en temps réel les coordonnées des intervenants de chaque "
             "établissement.",
      rules=("STAFF-CONTACTS",),
      note="Contrôlé sur les dates d'actualisation déclarées dans le tableau d'effectifs ; "
           "l'exactitude des coordonnées elles-mêmes n'est pas vérifiable."),
    Ob("6.7", "Changement de personnel ou absence programmée ou prolongée : informer la DISP, le "
             "SPIP et l'établissement, et remplacer l'intervenant dans les 10 jours ouvrables.",
      rules=("STAFF-REPLACE",), parameters=("delays",)),
    Ob("6.7", "Un conseiller en insertion professionnelle ne peut pas remplacer un psychologue "
             "du travail.",
      rules=("STAFF-REPLACE-KIND",)),
    Ob("6.7", "Un suppléant désigné en début de marché, ayant au préalable réalisé les démarches "
             "d'autorisation d'accès auprès de chaque établissement de milieu fermé ; liste des "
             "suppléants actualisée et transmise à la DISP.",
      rules=("STAFF-SUBSTITUTE",)),
    Ob("6.7", "Décrire dans l'offre la coordination pédagogique et le suivi administratif et "
             "financier.",
      not_automatable=_NA_RESPONSE),
    Ob("6.7", "Désigner un intervenant-coordinateur dans chaque établissement.",
      rules=("STAFF-COORDINATOR",)),
    Ob("6.7", "Demande d'accès au moins un mois avant le démarrage du dispositif, avec une "
             "pièce d'identité ; casier judiciaire vierge.",
      rules=("STAFF-ACCESS",), parameters=("delays",)),
    Ob("6.7", "Les intervenants ne peuvent exercer en milieu pénitentiaire sans autorisation "
             "préalable.",
      rules=("STAFF-AUTH-BEFORE-WORK",)),
    # 6.8 Premises
    Ob("6.8", "En milieu fermé, l'établissement met des salles à disposition.",
      not_automatable="obligation de l'administration, pas du titulaire"),
    Ob("6.8", "En milieu ouvert, un lieu d'accueil par département, accessible en transport en "
             "commun, aux normes ERP, pour 6 personnes ; adresse et téléphone transmis au SPIP "
             "et à la DISP.",
      rules=("PREM-MO",), parameters=("mo_premises_capacity",)),
    # 6.9 Deliverables
    Ob("6.9", "Le PPAIP se termine à l'initiative de la personne, quand le titulaire estime "
             "l'accompagnement terminé, ou au plus tard à la fin des heures validées.",
      rules=("END-CAUSE",)),
    Ob("6.9", "Livrables : affiche pour les personnes détenues, fiches de présentation pour les "
             "SPIP et partenaires, bilans individuels et collectifs.",
      rules=("DOC-DELIVERABLES",)),
    Ob("6.9", "Bilan individuel « sous 5 jours » après la fin de l'accompagnement ; bilan "
             "d'atelier « sous 10 jours ».",
      rules=("END-BILAN-IND", "END-BILAN-COLL"),
      note="Contradiction avec 6.6 (jours ouvrés) : voir les interprétations."),
    Ob("6.9", "Les modèles de bilan sont soumis à la validation du SPIP, copie à la DISP.",
      not_automatable="validation d'un modèle de document par le SPIP, une fois"),
    Ob("6.9", "Le bilan remis à la personne ne porte pas le logo du ministère de la Justice.",
      rules=("END-BILAN-LOGO",)),
    Ob("6.9", "À compter de 2025, synthèses, bilans et documents sont déposés sur IPRO 360°.",
      rules=("DOC-IPRO-DEPOSIT",)),
    # 6.10 Reporting
    Ob("6.10", "Données d'IPRO 360° et enquêtes de satisfaction de la DISP.",
      not_automatable="enquêtes menées par la DISP elle-même"),
    Ob("6.10", "Le titulaire réalise une synthèse des programmes et de l'atteinte des objectifs "
              "de prescription et d'accompagnement.",
      rules=("REP-SYNTHESIS",)),
    # 6.11 Evaluation
    Ob("6.11", "Comités de suivi organisés par l'administration, auxquels le titulaire "
              "participe (il peut en demander la réunion) ; COPIL annuel de la DISP.",
      rules=("REP-MEETINGS",),
      note="Une invitation sans participation est un avertissement ; la demande de réunion "
           "est une faculté du titulaire, non vérifiée."),
)

del Ob

AREAS: tuple[Area, ...] = (
    Area("contrat", "Contrat et lots", "CCTP 1",
         "Les lots, la durée du marché, les volumes d'heures prévus et le paiement à la séance.",
         ("LOT-DEF", "LOT-VOLUME", "CONTRACT-TERM", "CONTRACT-PAY", "CONTRACT-PRICE")),
    Area("eligibilite", "Éligibilité et entrée", "CCTP 3, 5, 6.1",
         "Qui peut entrer dans le programme, qui prescrit, d'où vient une orientation.",
         ("ELIG-ADULT", "ELIG-STATUS", "ELIG-VOLUNTEER", "ELIG-NEED", "ELIG-PRESCRIBED",
          "ELIG-RESIDENCE-MO", "ELIG-NO-DUPLICATE-MO", "ELIG-CUMULATIVE", "ORIENT-SOURCE",
          "COLL-ONLY-PRESCRIBED", "REFUSAL-48H")),
    Area("programme", "Programme", "CCTP 6.1-2, 6.1-3, 6.2, 6.3, 6.4",
         "Le premier entretien, la proposition et sa validation, les durées, les groupes, "
         "les actions et le calendrier.",
         ("PROG-FIRST-MEETING", "PROG-DIAGNOSTIC", "PROG-PROPOSAL", "PROG-VALIDATION",
          "PROG-START",
          "PROG-IND-HOURS", "PROG-IND-ACTIONS", "PROG-COLL-HOURS", "PROG-GROUP-SIZE",
          "PROG-COLL-ACTIONS", "PROG-WORKSHOP-PLAN", "PROG-HOURS-REALISED", "PROG-TRAINING-OVERLAP", "PROG-CALENDAR",
          "PROG-CALENDAR-PERSON",
          "PROG-CALENDAR-CHANGE")),
    Area("deroulement", "Déroulement du parcours", "CCTP 6.1-3, 6.2 B",
         "Absences, suspensions, interruptions et permanences.",
         ("RUN-ABSENCE", "RUN-SUSPENSION", "RUN-INTERRUPTION-48H", "RUN-PERMANENCE")),
    Area("fin-et-documents", "Fin du programme et documents", "CCTP 3, 6.5, 6.6, 6.9",
         "La fin du parcours, les bilans et leurs délais, les feuilles d'émargement, les "
         "convocations et les livrables.",
         ("END-CAUSE", "END-BILAN-IND", "END-BILAN-COLL", "END-BILAN-CONTENT", "END-BILAN-LOGO",
          "END-BILAN-SHARING", "DOC-SHEET-IND", "DOC-SHEET-COLL", "DOC-CONVOCATION",
          "DOC-DELIVERABLES", "DOC-SHEETS-SPIP", "DOC-HOURS-RECONCILE",
          "DOC-IPRO-DEPOSIT")),
    Area("effectifs", "Moyens humains", "CCTP 6.7",
         "Psychologues du travail, qualifications, remplacements, suppléants, coordinateurs et "
         "autorisations d'accès.",
         ("STAFF-PSY-SHARE", "STAFF-PSY-REGISTRY", "STAFF-QUALIF", "STAFF-REPLACE",
          "STAFF-REPLACE-KIND", "STAFF-SUBSTITUTE", "STAFF-COORDINATOR", "STAFF-ACCESS",
          "STAFF-AUTH-BEFORE-WORK", "STAFF-CONTACTS", "STAFF-TEAM-AT-START")),
    Area("locaux", "Locaux", "CCTP 6.8",
         "Les lieux d'accueil en milieu ouvert, leurs jours et horaires.",
         ("PREM-MO", "PREM-MO-HOURS")),
    Area("reporting", "Égalité et reporting", "CCTP 2 b, 6.10",
         "La couverture des publics cibles et la synthèse des programmes.",
         ("REP-TARGET-PUBLIC", "REP-SYNTHESIS", "REP-MEETINGS")),
)


def matrix_rule_ids() -> frozenset[str]:
    """Every rule ID named by the coverage matrix."""
    return frozenset(r for o in MATRIX for r in o.rules)


def specified_rule_ids() -> tuple[str, ...]:
    """Every rule ID of the specification, in its order."""
    return tuple(r for a in AREAS for r in a.rules)


def obligations(section: str) -> tuple[Obligation, ...]:
    """The obligations of one article of the CCTP, in the order of the text."""
    return tuple(o for o in MATRIX if o.section == section)


def area_of(rule_id: str) -> Area | None:
    """The area of the contract a rule belongs to (None for a rule outside the spec)."""
    for area in AREAS:
        if rule_id in area.rules:
            return area
    return None
