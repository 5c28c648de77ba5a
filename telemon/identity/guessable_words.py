"""Words a Danish user's password must not lean on, added to zxcvbn's own (English) lists by
telemon.identity.passwords: the product's name, Danish seasons, months and days, common Danish
words people make passwords of, and the most common Danish first names and surnames (Danmarks
Statistik's lists of the most frequent names). Each is given with æ, ø, å and as typed on a
keyboard without them (ae, oe, aa).

Plain data: no framework, no database.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PRODUCT = _words(
    """
    telemon telemedicin telemedicine hjemmemonitorering region
    """
)

SEASONS = _words(
    """
    forår sommer efterår vinter sommerferie jul påske vinterferie
    """
)

MONTHS = _words(
    """
    januar februar marts april maj juni juli august september oktober november december
    """
)

DAYS = _words(
    """
    mandag tirsdag onsdag torsdag fredag lørdag søndag weekend
    """
)

COMMON_WORDS = _words(
    """
    kodeord adgangskode password hemmelig hemmeligt velkommen hej hejsa kærlighed elsker
    skat skatter danmark dansk danske københavn aarhus odense aalborg esbjerg randers
    kolding vejle horsens roskilde herning silkeborg næstved fredericia viborg køge
    holstebro jylland sjælland fyn bornholm hospital sygehus sygeplejerske læge overlæge
    klinik patient hjemmepleje hjemmesygepleje kommune region regionen sundhed hjerte
    blomst blomster solskin sol måne stjerne hund kat hest fodbold brøndby fck agf ob aab
    midtjylland familie mor far mormor morfar farmor farfar barn børn pige dreng prinsesse
    prins konge dronning venner ven kaffe øl hygge ferie sommerhus strand skov have hus
    hjem bil cykel arbejde test tester login bruger admin system computer nøgle rød grøn
    gul blå sort hvid guld sølv glad sjov sej dejlig smuk lykke held godmorgen goddag tak
    mange en to tre fire fem seks syv otte ni ti hundrede tusind
    """
)

FIRST_NAMES = _words(
    """
    anne kirsten mette hanne helle anna susanne lene maria marianne lone camilla pia louise
    charlotte tina gitte bente inge karen jette birgit ida emma sofie julie laura freja
    clara alma ella karla josefine caroline signe line maja cecilie katrine peter jens lars
    michael henrik thomas søren jan niels christian martin morten jesper anders mads rasmus
    jørgen hans per ole kim poul erik frederik mikkel jakob william oliver noah lucas carl
    victor malthe emil magnus oscar alfred aksel valdemar kasper jonas simon mathias
    nikolaj brian klaus bo steen torben
    """
)

SURNAMES = _words(
    """
    nielsen jensen hansen pedersen andersen christensen larsen sørensen rasmussen jørgensen
    petersen madsen kristensen olsen thomsen christiansen poulsen johansen møller mortensen
    knudsen jakobsen jacobsen mikkelsen olesen frederiksen laursen henriksen lund schmidt
    eriksen holm kristiansen clausen simonsen svendsen andreasen iversen jeppesen mogensen
    """
)


def _folded(word: str) -> str:
    return word.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


def guessable_words() -> list[str]:
    """Every word above, most guessable first, each also with æ/ø/å spelt ae/oe/aa."""
    words: list[str] = []
    for group in (PRODUCT, SEASONS, MONTHS, COMMON_WORDS, FIRST_NAMES, SURNAMES, DAYS):
        for word in group:
            for form in (word, _folded(word)):
                if form not in words:
                    words.append(form)
    return words
