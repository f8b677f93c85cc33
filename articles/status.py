"""Front-line status rules: what a sentence says happened at a place it names (pure)."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from articles.names import TriggeredPattern, prefix_patterns

ADVANCE = "advance"
FIGHTING = "fighting"
CLEARING = "clearing"
RETAKEN = "retaken"
ISIS_HELD = "isis_held"
MENTIONED = "mentioned"

# How far along the fight a status is; the strongest claim about a place is its summary.
STATUS_RANK = {MENTIONED: 0, ISIS_HELD: 1, ADVANCE: 2, FIGHTING: 3, CLEARING: 4, RETAKEN: 5}

# ISIS as the subject that begins a rule: its first word is one of the rule's trigger stems
# (_TRIGGERS), so "the group" is matched from "group".
_ISIS_SUBJECT = (
    r"(?:ISIL\s+militants?|ISIS|ISIL|(?-i:IS)|Daesh|Islamic\s+State|militants?|jihadists?|"
    r"terrorists?|extremists?|insurgents?|(?<=\bthe\s)group|"
    # "under the terror group's control".
    r"(?:terror|terrorist|jihadist|militant|extremist)\s+group)"
)
_ISIS = rf"(?:the\s+)?{_ISIS_SUBJECT}"
_TAKE_VERBS = (
    r"(?:liberate|retake|recapture|capture|free|seize|take|regain|clear|storm|enter|reach|invade)"
)

# The campaign as a whole: "the offensive to retake", "the push for the liberation of".
_CAMPAIGN = r"(?:push|efforts?|bids?|battle|campaign|offensive|operations?|drive)"
# The campaign under way when something happened: "killed during operations to clear".
_DURING = (
    rf"\bduring\s+(?:the\s+|an?\s+|their\s+|its\s+)?(?:[\w-]+\s+)?{_CAMPAIGN}\s+"
    r"(?:\w+\s+)?to\s+"
)
# What a force prepares: "in preparation for the entry and liberation of the old city".
_PLANNED = (
    r"(?:liberation|entry|storming|assault|attack|recapture|capture|offensive|push|battle|"
    r"operation)"
)

# One alternation, tried left to right at each position: intent phrases come first so that they
# swallow the verb they govern ("aims to liberate" never reaches the retaken rule), compound
# advances come before their parts ("began the offensive to liberate" is an advance).
_CUE_RULES = [
    (
        "intent",
        [
            rf"\b(?:aims?|aiming|aimed|plans?|planning|planned|seeks?|seeking|sought|trying|"
            rf"tries|tried|attempt\w*|fail\w*|intends?|intending|prepar\w*|expected|hopes?|hoping|"
            rf"vows?|vowed|wants?|bid|ready|poised|set|pushing|{_CAMPAIGN}|order\w*|"
            # "sweeping through northwestern neighbourhoods in a way to invade the Old City".
            rf"(?<=\bin\sa\s)way)\s+"
            rf"(?:\w+\s+){{0,2}}?to\s+(?:\w+\s+)?"
            # "the order to enter Mosul and liberate the city's airport": both are to come.
            rf"{_TAKE_VERBS}\w*(?:\s+(?:[\w'’-]+\s+){{1,3}}?and\s+{_TAKE_VERBS}\w*)?",
            # "before they reach Mosul"; not "fired on militant positions before entering the
            # city's Gogjali neighborhood", which they did.
            r"\bbefore\s+(?!\w+ing\b)(?:\w+\s+){0,2}?(?:reach|enter|retake|liberat)\w*",
            # "a main objective for the newest offensive is retaking Baaj".
            r"\b(?:objective|goal|target|aim)s?\s+(?:[\w-]+\s+){0,5}?(?:is|was|are|were|"
            r"remains?)\s+(?:to\s+)?(?:liberat|retak|recaptur|captur|clear|free|seiz|tak)\w*",
            # "only a few days away from ousting militants completely from the Old City".
            r"\baway\s+from\s+(?:\w+\s+)?(?:oust|liberat|retak|recaptur|captur|clear|free|"
            r"seiz|tak|expel|driv|evict|dislodg)\w*",
            # "Iraqi troops are within 500m of retaking the al-Nuri mosque".
            r"\bwithin\s+(?:[\w.-]+\s+){1,3}?of\s+(?:oust|liberat|retak|recaptur|captur|clear|"
            r"free|seiz|tak|reach|enter|storm)\w*",
            # "brings them closer to fully recapturing west Mosul".
            r"\bcloser\s+to\s+(?:\w+\s+)?(?:oust|liberat|retak|recaptur|captur|clear|free|"
            r"seiz|tak)\w*",
            # "These forces are focusing now on controlling the Old City".
            r"\bfocus\w*\s+(?:now\s+)?on\s+(?:liberat|retak|recaptur|captur|clear|free|seiz|tak|"
            r"controll|storm|enter)\w*",
            r"\b(?:aim|aims|aimed|aiming|plans?|planned)\s+at\s+(?:\w+\s+)?"
            r"(?:liberat|retak|recaptur|captur|clear|free|seiz)\w*",
            # "the new push for the liberation of Mosul": the campaign, not an event.
            rf"\b(?:{_CAMPAIGN}|fight|war|plans?)\s+(?:for|towards?)\s+(?:the\s+)?"
            r"(?:liberation|recapture|capture|retaking)\b",
            # "committed to supporting its Iraqi partners in the liberation of Mosul": help
            # given to the campaign, which says nothing of its end.
            r"\b(?:support\w*|assist\w*|help\w*)\s+(?:[\w'’-]+\s+){0,4}?(?:in|with|for)\s+"
            r"(?:the\s+)?(?:liberation|recapture|retaking)\b",
            # "in preparation for the entry and liberation of the old city", "ahead of an
            # assault on the Old City": what is to come.
            rf"(?:(?<=\bin\s)preparation\s+for|\bahead\s+of)\s+(?:[\w-]+\s+){{0,4}}?"
            rf"{_PLANNED}(?:\s+and\s+{_PLANNED})?\b",
            # "The recapture of Mosul would mark the militants' defeat": what is yet to be.
            # "the capture of the whole of Mosul should be achieved in a few days".
            # "full liberation of Mosul is near".
            r"\b(?:recapture|liberation|retaking|capture|fall|loss)\s+of\s+(?:the\s+)?"
            r"(?:(?:city|whole|rest)\s+of\s+(?:the\s+)?)?(?:[\w'’-]+\s+){1,2}?"
            # "the retaking of Mosul – in Iraq's largest operation in years – could take weeks",
            # "Recapture of Mosul after more than two years of Daesh rule would".
            r"(?:[–—]\s[^–—.]{1,80}[–—]\s+|(?:after|following)\s+(?:[\w'’-]+\s+){1,8}?)?"
            r"(?:would|will|could|might|may|should|must|(?:is|was)\s+(?:near|imminent|close)"
            r")\b",
            # "forces said they were about to complete the encirclement of": still to come.
            rf"\b(?:is|are|was|were)\s+about\s+to\s+(?:(?:complete|finish)\s+(?:the\s+)?)?"
            rf"(?:[\w-]+\s+){{0,2}}?(?:{_TAKE_VERBS}|encircl|surround|besieg|complet)\w*",
            # "forces were poised for an assault on Qaraqosh", "gearing up for the battle for":
            # ready for what has not begun.
            rf"\b(?:poised|ready|readying|prepared|preparing|gearing\s+up|geared\s+up)\s+for\s+"
            rf"(?:an?\s+|the\s+)?(?:[\w-]+\s+){{0,2}}?{_PLANNED}s?\b",
        ],
    ),
    (
        "isis_held",
        [
            rf"\bunder\s+(?:the\s+)?(?:full\s+|total\s+)?(?:{_ISIS}['’]?s?\s+)?"
            rf"(?:control|grip|rule|occupation|siege|hold)\b",
            rf"\b(?:controlled|held|occupied|seized|captured|overrun)\s+by\s+{_ISIS}",
            # "the other militants-seized town of Baaj", "the IS-seized town".
            r"\b(?:ISIS|ISIL|(?-i:IS)|Daesh|Islamic\s+State|militants?|jihadists?)[-\s]"
            r"(?:held|occupied|controlled|(?<=-)seized|(?<=-)captured)\b",
            r"\b(?:ISIS|ISIL|(?-i:IS)|Daesh)['’]?s?\s+(?:last\s+)?(?:strongholds?|bastion|enclave)\b",
            r"\blast\s+(?:\w+\s+){0,2}?(?:stronghold|bastion|enclave)\b",
            # "the militant stronghold of Mosul", "ISIS's Mosul stronghold"; not "the former
            # ISIS stronghold".
            r"(?<!former\s)(?<!one-time\s)\b(?:strongholds?|bastion)\b",
            r"\b(?:ISIS|ISIL|(?-i:IS)|Daesh|Islamic\s+State)['’]?s?\s+(?:de\s+facto\s+)?capital\b",
            r"\bholed\s+up\b",
            # "Islamic State fighters, holding out in the Old City, are surrounded": set off by
            # commas, a state; not "clashed with fighters holding out in", where the clash is.
            r"(?<=,\s)holding\s+out\s+in\b",
            # "ISIL still controls other Assyrian landmarks, including the ruins of Nineveh".
            rf"(?<![-\w]){_ISIS_SUBJECT}\s+(?:still\s+|now\s+|also\s+)?(?:controls|holds)\b",
            # "with only Rashidiyah neighborhood left to be retaken".
            r"\b(?:left|remains?|remaining|yet|still)\s+to\s+be\s+(?:retaken|liberated|"
            r"recaptured|cleared|freed|taken)\b",
            # "remains in the hands of Islamic State", "besieged in the northwestern corner of
            # Mosul", "make a last stand around the Old City", "where their black flag has been
            # flying since June 2014".
            rf"(?<=\bin\sthe\s)hands\s+of\s+{_ISIS}",
            r"\bbesieged\s+in\b",
            r"\blast\s+stand\b",
            r"\bblack\s+flags?\s+(?:\w+\s+){0,2}?(?:flying|flew|flies|fly|flutter(?:s|ed|ing)?)\b",
            # "tightening the noose around Daesh in the Old City".
            rf"\bnoose\s+(?:around|on)\s+{_ISIS}",
            # "ISIS still holds onto the adjacent Rashidiyah": a subject other than ISIS is
            # turned round in _cue_status.
            r"\b(?:holds?|holding|held)\s+on\s*to\b",
        ],
    ),
    (
        "advance",
        [
            # "killed during the operation to liberate the district": under way (the clearing
            # rule reads "during operations to clear").
            rf"{_DURING}(?:\w+\s+)?(?!clear){_TAKE_VERBS}\w*",
            # "fighting their way to Albu Saif", "battled its way into the airport".
            r"\b(?:fought|fighting|fight|fights|battled|battling|battle|battles)\s+"
            # Not "fought their way out" or "battled their way along two streets".
            r"(?:their|its|his)\s+way\b(?!\s+(?:out|back|along)\b)",
            # "90 percent of the Old City had been retaken": the same, said the other way round.
            # "more than a third of west Mosul was now under the control of security forces".
            # "around 90 percent of eastern Mosul has been purged of its occupiers".
            r"(?:\b(?:percent|per\s+cent)|\bmost|\bmuch|\bparts?|\bhalf|\bmajority|\bthirds?|"
            r"\bquarters?)[\"”’']?\s+of\s+"
            r"(?:[\w'’-]+\s+){1,5}?(?:(?:has|have|had|was|were|is|are)\s+(?:now\s+)?(?:been\s+)?)?"
            r"(?:retaken|recaptured|liberated|cleared|captured|seized|freed|secured|purged|"
            r"under\s+(?:the\s+)?control)\b",
            r"\bprocess\s+of\s+(?:retaking|liberating|recapturing|clearing|taking|capturing)\b",
            # "made incursions in neighboring al-Shifa district", "continue incursion into".
            r"\bincursions?\s+(?:in|into)\b",
            # "made significant progress in clearing Mosul's east side": under way, not done.
            r"\b(?:mak(?:e|es|ing)|made)\s+(?:\w+\s+){0,2}?progress\b"
            r"(?:\s+in\s+(?:retaking|liberating|recapturing|clearing|taking|capturing)\b)?",
            # "gained ground in door-to-door fighting in the Old City".
            r"\bgain(?:ed|ing|s)?\s+ground(?:\s+in\s+(?:[\w-]+\s+){0,2}?(?:fighting|battles?|clashes))?\b",
            # Part of a place taken is an advance into it: "seized most of Tanak", "imposed
            # their control over 40 percent of al-Zanjili". Before the retaken rules, which
            # would otherwise read the same verb at the same place.
            r"\b(?:seiz(?:e|ed|ing)|captur(?:e|ed|ing)|took|take|taken|taking|retook|retak(?:e|en|ing)|"
            r"recaptur(?:e|ed|ing)|liberat(?:e|ed|ing)|clear(?:ed|ing)?|secur(?:e|ed|ing)|"
            r"control(?:led)?|imposed|established|gained)\s+(?:[\w-]+\s+){0,4}?"
            r"(?:most|much|parts?|half|majority|(?:(?:a|one|two|three)[\s-]+)?(?:quarters?|thirds?)|"
            r"sections?|portions?|\d+\s*(?:percent|per\s+cent|%))"
            r"\s+of\b",
            # Buildings, streets or ground taken in a place, a foothold or grip widened there:
            # "gained control of new buildings in al-Entisar", "took over the hospital building in
            # the al-Salam neighborhood", "extended their grip in Mosul".
            r"\b(?:seized?|captured?|took|taken|retook|retaken|recaptured|liberated|cleared|"
            r"secured|control(?:led)?|gained|won|won\s+back)\s+(?:[\w-]+\s+){0,4}?"
            r"(?:buildings?|houses|housing\s+units|blocks?|streets?|(?:new|more|further)\s+ground|"
            r"rows?\s+of\s+\w+)"
            r"\s+(?:in|of)\b",
            r"\b(?:extend|expand)\w*\s+(?:\w+\s+){0,2}?(?:grip|foothold|control|presence)\b",
            # "established their presence in the Karama district", "gained a foothold in",
            # "set foot in Mosul": in, and not yet in control.
            r"\b(?:establish(?:ed|es|ing)?|gain(?:ed|s|ing)?|secur(?:ed|es|ing)|won)\s+"
            r"(?:(?:a|an|their|its|his)\s+)?(?:\w+\s+)?(?:presence|foothold)\s+(?:in|inside|on)\b",
            r"\bset\s+foot\s+(?:in|inside)\b",
            r"\b(?:began|begun|begin|begins|launched|launch|launches|launching|started|start|"
            # Not "began search operations in Al-Dawasa", a clearing (as "continued" below).
            r"starts|kicked\s+off|initiated)\s+(?:(?!clean|mop|clear|comb|search|sweep)\w+\s+){0,3}?"
            r"(?:offensive|operations?|assault|attack|"
            # "began fresh operations aimed at retaking the Old City": the aim of an operation
            # begun is where it is under way.
            r"push|battle|campaign|drive)\b(?:\s+(?:\w+\s+){0,3}?(?:to|aim(?:ed|ing)\s+at)\s+\w+)?",
            # "resumed an offensive to rid eastern Mosul from the Islamic State", "the renewed
            # push on west Mosul": an assault taken up again is under way again; "continuing
            # their push to clear militants out of the Old City", one that goes on, too.
            # Not "continued cleanup operations", which are a clearing.
            r"\b(?:resum(?:e|ed|es|ing)|renew(?:ed|s)?|continu(?:e|ed|es|ing))\s+"
            r"(?:(?!clean|mop|clear|comb|search|sweep)\w+\s+){0,2}?"
            r"(?:offensive|operations?|assault|push|campaign|drive|battle)\b"
            # "resume their battle to liberate the western part of Mosul", as "began".
            r"(?:\s+(?:\w+\s+){0,3}?(?:to|aim(?:ed|ing)\s+at)\s+\w+)?",
            # "began raiding the areas of Musheirefa", "descended on the airport".
            r"\b(?:began|begun|started)\s+(?:raiding|attacking|storming|assaulting)\b",
            r"\bdescended\s+on\b",
            # "the targets of the latest push were Musharifah, Kanisah and Al-Haramat".
            r"\btargets?\s+of\s+(?:the\s+)?(?:\w+\s+)?(?:push|offensive|assault|attack|"
            r"operation)\s+(?:were|was|are|is|included?)\b",
            r"\b(?:entered|enters|entering|enter|invaded|invading)\b",
            r"\bstorm(?:ed|ing|s)?\b",
            r"\boverr(?:an|unning)\b",
            r"\bassaults?\s+on\b",
            # "The push on Al-Maamun came after", "a recent offensive on Hadher town".
            r"\b(?:push|offensive|drive)\s+(?:(?:at|before|after)\s+(?:dawn|dusk|daybreak)\s+)?"
            r"on\b",
            # "the first day of the new offensive in western Mosul".
            r"\boffensive\s+in\b",
            # "an operation was launched by Peshmerga Forces in Khazir", "Ground Offensive
            # Underway in Khazir": begun, in the passive or as a state (not "launched from").
            r"\b(?:offensive|operations?|assault|attack|push|campaign|drive)\s+(?:(?:was|were|has|"
            r"have|had|is|are)\s+(?:been\s+)?)?(?:launched|begun|started|under\s*way)\b"
            r"(?!\s+from\b)",
            r"\b(?:pushed|pushing|pushes|push|moved|moving|broke|breaking|edged|advanced|advancing|"
            r"marched|marching|rolled|rolling|poured|pouring|went|going)"
            r"\s+(?:\w+\s+)?(?:into|through|inside)\b",
            # "police troops later moved on to al-Matahen area", "to move forward to the Wahda".
            r"\b(?:move|moves|moved|moving|pushed|pushing)\s+(?:on|forward|ahead)\s+to\b",
            # "continued to register gains in Mosul's western Tammuz 17 district", "announce
            # gains in Mosul Old City".
            r"(?<!their\s)(?<!its\s)\bgains\s+(?:in|inside)\b",
            r"\bregister\w*\s+(?:\w+\s+){0,2}?gains\b",
            r"\bopened\s+(?:\w+\s+)?way\s+into\b",
            # "progressing from the south through the Dawasa and Danadan districts".
            r"\bprogress(?:ed|ing|es)?\s+(?:[\w-]+\s+){0,4}?(?:into|through|inside)\b",
            r"\bmade\s+(?:\w+\s+)?way\s+into\b",
            r"\bbreach\w*",
            r"\badvanc(?:e|ed|es|ing|ements?)\b",
            # Not "distributions reached 50,000 people".
            r"\breach(?:ed|ing)?\b(?!\s+(?:(?:some|about|around|nearly|almost|over|more\s+than)\s+)?"
            r"\d[\d,.]*(?:\s+million)?\s+(?:people|persons|civilians|families|residents|"
            r"households|individuals|children|beneficiaries)\b)",
            r"\bpenetrat\w*",
            r"\bclosing\s+in\b",
            r"\bencircl\w*",
            # Not "the surrounding villages", an adjective.
            # nor "the villages surrounding Zahour", which are around it.
            r"\bsurround(?:ed|ing)\b(?<!surrounding)|(?<!villages\s)(?<!areas\s)(?<!towns\s)"
            r"(?<!districts\s)(?<!hills\s)\bsurrounding\b(?!\s+(?:[\w-]+\s+)?"
            r"(?:complexes|villages|areas?|towns|neighbou?rhoods|districts|countryside|region|"
            r"desert|hills|suburbs|farmland|territory|streets)\b)",
            r"\bapproach(?:ed|ing)\b",
        ],
    ),
    (
        "retaken",
        [
            r"\b(?:took|taken|take|takes|taking|gained|regained|wrested|wrest|"
            r"seized|assumed|established|imposed)\s+(?:\w+[-\s]+){0,3}?control\b",
            r"\b(?:full|total|complete)\s+control\b",
            # "We have attacked and fully control Ghazlani base".
            r"\b(?:fully|completely|totally)\s+control(?:s|led)?\b",
            # "the neighborhoods of Malayin, Samah and Karamah were under Iraqi control".
            r"\bunder\s+(?:the\s+)?(?:full\s+|total\s+|complete\s+)?(?:Iraqi|government|Kurdish|"
            r"Peshmerga|army|security\s+forces['’]?|federal|CTS)\s+control\b",
            # "the Gogjali neighbourhood was fully under their control by the afternoon".
            r"\b(?:fully|completely|totally|entirely)\s+under\s+(?:their|our)\s+control\b",
            # "The ISF are now in control of the districts of al-Jawsaq and al-Tayyaran" (whose
            # subject is ISIS: find_cues makes it ISIS-held).
            r"\bcontrol\s+of\b(?<=\bin control of)",
            # "took Hamam al-Alil", "took the village of Bazwaya": a place or a place word next;
            # not "took part", "took Iraqi forces months", "take aim".
            r"\b(?:took|take|takes|taken|taking)\s+(?:back\s+|over\s+)?(?:(?-i:the\s+)?"
            r"(?!(?:Iraqi|Kurdish|US|American|Islamic|ISIS|ISIL|IS|Daesh|Part|Place|Aim|Refuge|"
            r"Shelter|Cover|Steps?|Note|Action|Care|Time|Charge|Hold|Positions?|Over|Back)\b)"
            r"(?:(?-i:al|el)-)?(?-i:[A-Z])"
            r"|the\s+(?:\w+\s+)?(?:village|town|district|neighbou?rhood|area|city|"
            r"airport|university|base|bridge|hospital|building|complex|compound|mosque|shrine|"
            r"quarter|suburb|camp|hill|station)s?\b)",
            # "taking back a series of neighbourhoods", "took back three villages": back says
            # what was taken was theirs before; not "taken back to the camp".
            r"\b(?:took|take|takes|taken|taking)\s+back\b(?!\s+(?:to|home|from|into)\b)",
            # "the Mosul Hotel and Tamuz 17 were both taken"; not "taken to hospital".
            r"\b(?:was|were|been)\s+(?:both\s+|all\s+|also\s+|now\s+)?taken\b"
            r"(?!\s+(?:back\s+)?(?:to|into|by\s+surprise|aback|hostage|prisoners?|captive|away|"
            r"over\s+by))",
            r"\brecaptur\w*",
            r"\bretak(?:e|en|es|ing)\b",
            r"\bretook\b",
            r"\brecover(?:ed|ing)\b",
            r"\brestor(?:e|ed|es|ing)\b",
            r"\bliberat(?:e|ed|es|ion)\b",
            # "announced liberating the train station", "after liberating Tal Rayan", "after
            # capturing the al-Nuri Mosque", "reported capturing four more neighborhoods": done;
            # not "forces liberating Mosul" or "focus on liberating", still going on.
            r"\b(?:announc\w*|declar\w*|report(?:ed|s)|claim(?:ed|s)|after|complet\w*|"
            r"succeeded\s+in|(?:mon|tues|wednes|"
            r"thurs|fri|satur|sun)day)\s+(?:liberating|capturing)\b",
            # "renewed their push on the Qayruwan region, liberating the villages of": what the
            # push gained, told after a comma.
            # "announced their advance liberating Tal Ezzo village", told without the comma.
            r"(?:(?<=,\s)|(?<=\badvance\s))(?:liberating|capturing|recapturing|retaking)\b",
            r"\bcleared\b",
            # A headline tells the news in the present: "Iraqi army frees Bartella".
            r"\bfree(?:d|s)\b",
            # "managed to free the three villages": the verb's bare form only after "to", which
            # the intent and infinitive rules read; "free of", "free passage" are no event.
            r"(?<=\bto\s)free\b",
            # "fight to oust ISIS from Imam Gharbi", "fighting to drive out IS militants from":
            # after "to" only, where the intent and infinitive rules read them.
            r"(?<=\bto\s)(?:oust|expel|evict|dislodge)\b",
            r"(?<=\bto\s)drive\s+(?:out\b|(?:[\w-]+\s+){1,3}?(?:out\s+of|from)\b)",
            r"\breclaim(?:ed|ing|s)?\b",
            r"\bcaptur(?:e|ed|es)\b",
            r"\bseiz(?:e|ed|es|ing)\b",
            r"\bpurg(?:e|ed|ing)\b",
            r"\bregain(?:ed|s)?\b",
            r"\b(?:won|wins|win|winning)\s+back\b",
            # "we have completed Khazra apartments and other districts of Karkukli": a commander's
            # word for done with a place; not "completed the training".
            r"(?:(?<=\bhave\s)|(?<=\bhas\s)|(?<=\bhad\s))completed\s+(?=(?-i:[A-Z])|(?:the\s+)?"
            r"(?:(?:[\w-]+\s+)?(?:villages?|towns?|districts?|neighbou?rhoods?|areas?)\b))",
            # "Federal police units have completed their combat duties in Zanjili".
            r"\bcomplet(?:ed|es|ing)\s+(?:their|its|his|the)\s+(?:[\w-]+\s+)?(?:duties|missions?|"
            r"tasks?)\s+(?:in|at)\b",
            # "declared an official end to the campaign to retake Mosul", "declared victory (over
            # IS) in".
            r"\bdeclar(?:ed|es|ing|e)\s+(?:an?\s+|the\s+)?(?:official\s+|formal\s+)?"
            r"(?:end\s+(?:to|of)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:campaign|battle|operations?|"
            r"offensive|war)(?:\s+(?:to\s+(?:retake|liberate|recapture|free)|for|in|of))?"
            r"|(?:final\s+)?victory\s+(?:(?:over|against)\s+(?:the\s+)?(?:[\w\"“”'‘’-]+\s+){1,3}?)?in"
            # "to declare the elimination of Islamic State extremists from the city".
            r"|(?:the\s+)?(?:elimination|defeat|expulsion)\s+of\s+(?:[\w-]+\s+){1,4}?(?:from|in))\b",
            r"\bsecur(?:ed|es)\b",
            # "controlled the old bridge", "after controlling Mosul Museum".
            # Not "the Kurdish-controlled Khazir camp".
            # "the special forces control the Zahra neighborhood".
            r"(?<!-)\b(?:controll(?:ed|ing)|controls|(?:(?<=forces\s)|(?<=troops\s)|(?<=army\s)|"
            r"(?<=police\s)|(?<=units\s))control)\s+(?=(?:the\s+)?(?-i:[A-Z])"
            r"|the\s+(?:\w+\s+)?(?:village|town|district|neighbou?rhood|area|bridge)s?\b)",
            r"\b(?:raised|raising|hoisted|hoisting|planted|planting)\s+(?:(?:the|an?|their)\s+)?"
            r"(?:\w+\s+){0,2}?flags?\b",
            # "The Iraqi national flag was hoisted over buildings in the villages of".
            r"\bflags?\s+(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:raised|hoisted)\b",
            # "Iraqi flag flies over University of Mosul again"; not ISIS's black flag.
            r"(?:(?<=Iraqi\s)|(?<=national\s)|(?<=Kurdish\s)|(?<=government\s))flags?\s+"
            r"(?:(?:is|are|was|were)\s+)?(?:now\s+)?"
            r"(?:fl(?:y|ies|ew|ying|own)|flutter(?:s|ed|ing)?|wav(?:es|ed|ing))\s+"
            r"(?:again\s+|once\s+more\s+)?(?:over|above|on|in)\b",
            r"\bfell\s+to\s+(?:the\s+)?(?:Iraqi|government|security|army|federal|Kurdish|Peshmerga)\b",
            # "Mosul's al-Salam hospital is now controlled by Iraqi forces".
            r"\bcontrolled\s+by\s+(?:the\s+)?(?:Iraqi|government|security|army|federal|Kurdish|"
            r"Peshmerga)\b",
            # "pushed the Islamic State (ISIS) out of four villages".
            r"\b(?:pushed|drove|driven|drive|driving|expelled|kicked|ousted|flushed|chased)\s+"
            r"(?:[\w()-]+\s+){0,4}?out\s+of\b",
            # "his troops had driven out IS militants from the neighborhoods of Amn, Qahira".
            r"\b(?:pushed|drove|driven|kicked|chased|flushed)\s+out\s+(?:[\w()-]+\s+){1,4}?from\b",
            # "also drove back Daesh extremists from Muthanna district".
            r"\b(?:pushed|drove|driven)\s+back\s+(?:[\w()-]+\s+){1,4}?from\b",
            # "dislodged Daesh insurgents from the Ziwani Mosque".
            r"\bdislodg(?:ed|ing)\s+(?:[\w-]+\s+){1,4}?from\b",
            # "ISIS loses major Mosul bastion", "Daesh militants have lost control of".
            rf"\b(?<![-\w]){_ISIS_SUBJECT}\s+(?:has\s+|have\s+|had\s+)?(?:now\s+|finally\s+)?"
            r"(?:lost|loses|losing)\b",
            # "Turkish-backed rebels ousted IS from the strategic Syrian town of Al-Bab".
            # "The Peshmerga have expelled ISIS militants from the villages of Kanouna".
            r"\b(?:ousted|ousting|evicted|evicting|expelled)\s+(?:[\w-]+\s+){1,4}?from\b",
        ],
    ),
    (
        "clearing",
        [
            # "killed during operations to clear Bab al-Tob district": the clearing under way,
            # not an aim (the campaign rule of the intents would read it so).
            rf"{_DURING}(?:clear|cleanse|comb|secure)\b",
            r"\bclear(?:ing|s)?\b(?!\s+(?:that|to|of|whether|how|in)\b)",
            r"\bcleans\w*",
            r"\bclean[-\s]?ups?\b",
            r"\bcomb(?:ing|ed|s)?\b",
            # "Bab al-Jadid and Bab al-Tub areas are still being cleared": not yet done.
            r"\bbeing\s+cleared\b",
            r"\bmop\w*[-\s]up\b",
            r"\bmopping\b",
            r"\bsweep(?:s|ing)?\b",
            r"\bsearch(?:ed|es|ing)?\b",
            r"\bsecuring\b",
            r"\bdefus\w*",
        ],
    ),
    (
        "fighting",
        [
            # "clashes have moved on to al-Mansour": the fighting goes on there, not an advance.
            r"\b(?:clashes|fighting|battles?)\s+(?:(?:have|has|had)\s+)?(?:moved|shifted|spread)"
            r"\s+(?:on\s+)?to\b",
            r"\bclash\w*",
            r"\bfighting\b",
            r"\bfought\b",
            r"\bfights?\b",
            r"\bbattl(?:e|es|ed|ing)\b",
            r"\b(?:counter[-\s]?)?attack\w*",
            r"\bshell(?:ed|ing|s)\b",
            r"\bambush\w*",
            r"\bfirefights?\b",
            r"\bskirmish\w*",
            r"\bresistance\b",
            r"\bengaged\b",
            # Not "trained fighters in combat techniques", "combat experience".
            r"\bcombat\b(?!\s+(?:techniques?|training|skills?|experience|engineers?|medics?|"
            r"uniforms?|boots|gear|vests?))",
            r"\bgunfights?\b",
            # "exchanges of gunfire in the Old City", "opened fire on a police officer in
            # Al-Jazar district", "army forces struck Islamic State targets in Sada".
            r"\bgunfire\b",
            r"\bopened\s+fire\b",
            # "machine-gun fire on IS positions", "heavy fire at the militants".
            r"\bfire\s+(?:on|at)\b",
            r"\b(?:struck|hit|hitting|striking|targeted|targeting)\s+(?:[\w-]+\s+){0,3}?"
            r"(?:targets|positions|hideouts|strongholds)\b",
            r"\bmortars?\b",
            r"\bsnipers?\b",
            r"\bsuicide\s+(?:car\s+)?bomb\w*",
            r"\bcar\s+bombs?\b",
            r"\bVBIEDs?\b",
            r"\bair\s*strikes?\b",
            r"\b(?:air\s+)?raids?\b",
            r"\b(?:missile|drone|guided-missile|rocket|artillery)\s+strikes?\b",
            r"\bbombard\w*",
            # "jets pounded Islamic State locations in the Old City".
            r"\bpound(?:ed|ing|s)?\b",
            r"\bcounter-?offensive\b",
            r"\bkill(?:ed|ing)\b",
        ],
    ),
]
_CUES, _CUES_BY_PREFIX = prefix_patterns(_CUE_RULES, re.IGNORECASE, width=3)
_TRIGGERS = (
    "aim plan seek sought try tri attempt fail intend prepar expected hope hoping vow want bid "
    "ready poised set push effort battl campaign offensive operation drive order before under "
    "controlled held occupied seized captured overrun isis isil is daesh militant group "
    "jihadist terror extremist insurgent last began begun begin launch start resum renew "
    "kicked enter storm move moving broke breaking edged advanc opened made breach reach "
    "penetrat closing encircl surround approach took taken take taking gained regained seiz "
    "assumed established imposed full total complete "
    "recaptur retak retook liberat cleared freed captur regain secur raised raising hoisted "
    "hoisting fell pushed drove driven driving expelled ousted flushed chased clear clean comb "
    "mop sweep search defus clash fight fought counter attack shell ambush firefight skirmish "
    "resistance engaged combat gunfight gunfire fire struck hit striking mortar "
    "sniper suicide car vbied air bombard islamic "
    "control holed process mak recover restor most much part half percent per hold holds holding "
    "wrest assault raid missile drone guided rocket artillery won wins win stronghold bastion "
    "purg "
    "capital thirds quarters extend expand kill noose hands besieged black objective goal target "
    "progress overr left remain yet still ahead initiated descended targets marched marching "
    "rolled rolling poured pouring gains register dislodg invad focus announc declar after "
    "complet succeeded monday tuesday wednesday thursday friday saturday sunday free reclaim pound "
    "flag ousted ousting evicted evicting fully completely totally was were been went going during "
    "readying prepared gearing geared oust expel evict dislodge fall loss gain incursion majority "
    "away support assist help are closer within foot establish continu way third quarter entirely "
    "reported reports claimed claims being"
).split()
CUE_FINDER = TriggeredPattern(_CUES, _TRIGGERS, by_prefix=_CUES_BY_PREFIX)
# A word shortly before a cue that turns it into an intent, a future or a denial.
_GUARD_WORDS = frozenset(
    "will would could may might shall aim aims aiming plan plans planning seek seeks seeking "
    "trying tries attempt attempts attempting attempted fail fails failed failing intend intends "
    "intended intending prepare prepares preparing expected hope hopes hoping vow vows vowed "
    "not never yet without unable cannot can't won't before until whether if unless".split()
)
_WORD_EDGES = "\"'“”‘’,.;:()[]"


def _guarded(before: str, gerund: bool = False) -> bool:
    lower = before.lower()
    # rsplit: only the last words are wanted (split()[-4:] gives the same).
    words = [word.strip(_WORD_EDGES) for word in lower.rsplit(None, 4)[-4:]]
    guards = _GUARD_WORDS.intersection(words)
    if guards:
        if guards == {"before"} and gerund and words[-1] == "before":
            return False  # "fired on their positions before entering Zahour": they did
        # "the day before, killing dozens": a time past, not a condition.
        return guards != {"before"} or not _TIME_BEFORE.search(lower)
    # Only a text with an "n't" can have a word that ends in one.
    if ("n't" in lower or "n’t" in lower) and any(w.endswith(_DENIALS) for w in words):
        return True
    # A condition governs its clause's verb across a longer subject: "until the Iraqi army
    # and police take Tal Afar".
    # "He denied reports that Iraqi forces had entered the Al-Karama area".
    return _CONDITION.search(lower) is not None or (
        "den" in lower and _DENIED_REPORT.search(lower) is not None
    )


_DENIALS = ("n't", "n’t")
_BEGIN_WORDS = r"(?:began|begun|begin|begins|started|start|starts)"
_BEGAN = re.compile(rf"\b{_BEGIN_WORDS}\s+$", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:until|unless|if|whether)\s+(?:[\w'’-]+\s+){4,7}$")
_DENIED_REPORT = re.compile(
    r"\bden(?:ied|ies|y|ying)\s+(?:\w+\s+){0,2}?(?:reports?|claims?|rumou?rs?)\s+(?:that\s+)?"
    r"(?:[\w'’-]+\s+){0,5}$"
)
_TIME_BEFORE = re.compile(
    r"\b(?:day|days|night|nights|week|weeks|month|months|hours|year|years)\s+before\b"
    # "managed, before noon today, to liberate": a time of day, not a condition.
    r"|\bbefore\s+(?:noon|dawn|midnight|sunrise|sunset|daybreak|nightfall)\b"
)


# "to liberate" is an aim unless the forces were able to, managed to or continued to.
_DONE_INFINITIVE = re.compile(
    r"\b(?:able|managed|succeeded|continued|continue|continues|continuing|began|begun|"
    # "teamed up to capture Badush prison": joined to do it, and did.
    r"started|proceeded|teamed\s+up|joined\s+forces|"
    r"(?P<going>working|work|works|worked|underway|under\s+way|ongoing|"
    r"battling|fighting|fight|fights|battle|battles))"
    # "managed, at noon today, to liberate", "battling on Wednesday to clear": a short aside
    # or a day may come between.
    r"(?:,[^,]{1,30},|\s+on\s+\w+)?\s+to\s+$",
    re.IGNORECASE,
)
# A place named only as a reference point: "villages around Hammam al-Alil", "South of Mosul".
_REFERENCE = re.compile(
    # "into nearby Intisar", "an attack on the nearby district of" name where it happened;
    # "from the nearby village of Bazwaya, smoke could be seen" names where it was seen from.
    # "freed two villages and nearby Shalalat area": the nearby place is one more of them.
    r"(?:(?<!\binto\s)(?<!\bin\s)(?<!\bon\s)(?<!\bthe\s)(?<!\band\s)(?<!\bwell\sas\s)\bnear(?:by)?"
    r"|\bnearby(?<=\bfrom\sthe\snearby)|\baround|\boutside|\bclose\s+to|\bbeyond|\bvicinity\s+of|"
    r"\bconference\s+in|"
    # People on the move: "crossed from Baaj into Syria", "arrived at Khazer camp".
    # Not "fled the battles in Mosul's Old City": what they fled happened there.
    r"\b(?:fled|flee|fleeing|displaced|crossed|escaped|returned|returning|arrived|arriving|"
    r"evacuated)\s+(?!(?:the\s+)?(?:heavy\s+|fierce\s+)?(?:battles?|fighting|clashes|violence|"
    r"bombardment|shelling|air\s*strikes)\b)(?:\w+\s+){0,3}?(?:from|to|at|in|into)|"
    # People on the move, without a preposition: "families fleeing Mosul"; where they come
    # from: "civilians from Maamoun district".
    r"\b(?:fled|flee|flees|fleeing|escaped|escaping)\s+(?:the\s+)?|"
    r"\b(?:civilians|residents|families|people|villagers|displaced)\s+(?:\w+\s+)?from|"
    # Where a force came from: "with Iraqi Security Forces from Gwer and Gayyara".
    r"\b(?:forces|troops|units|fighters|soldiers)\s+from(?:\s+[\w'’-]+(?:\s+and|,))?|"
    # Where an attack set out from: "The ISF launched the operation from Hajj Ali".
    r"\b(?:launched|launching|launch|launches|set\s+out|staged)\s+(?:[\w-]+\s+){0,4}?from|"
    # What a region or road joins: "a bastion which links between Tal Afar town and".
    r"\b(?:links?|linking|connects?|connecting)\s+between|"
    # The far end of what a road joins: "a road linking the city to Syria's Raqqa", "the road
    # linking Mosul, Iraq's second city, to Dohuk"; what a place is cut off from: "isolating
    # western Mosul from the town of Tal Afar".
    r"\b(?:links?|linking|connects?|connecting)\s+(?:[\w'’,-]+\s+){1,5}?(?:to|with)|"
    r"\b(?:isolat(?:e|es|ed|ing)|cut(?:s|ting)?\s+off|sever(?:s|ed|ing)?)\s+"
    r"(?:[\w'’,-]+\s+){0,3}?from|"
    # Halfway between two places: "about halfway from Irbil to Mosul".
    r"\bhalfway\s+(?:from|between)(?:\s+(?:the\s+)?(?:\w+\s+){0,3}?(?:and|to))?|"
    # Where people live or shelter: "Christians, who stay in Erbil".
    r"\b(?:live|lives|living|lived|stay|stays|staying|stayed|sheltering|sheltered)\s+in|"
    # What a road joins: "the road from Irbil to Q-West", "the road linking Mosul and Bashiqa".
    # "the final highway that links Tal 'Afar to the Syrian border".
    # "cut off the IS' supply routes between Mosul and Raqqa city".
    r"\b(?:roads?|highways?|routes?|paths?|supply\s+lines?)\s+(?:\w+\s+){0,2}?(?:from|between|to|"
    r"linking|"
    r"connecting|links?|"
    r"connects?|"
    r"out\s+of|into)"
    r"(?:\s+(?:the\s+)?(?:city\s+of\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,4}?\s+(?:and|to))?|"
    # What a hill or a height overlooks: "the hill of Abu Saif overlooking the Mosul airport".
    r"\boverlook(?:s|ing|ed)?|"
    # Where a camp, hospital or screening site stands: "a new camp in Hasansham", "the field
    # hospital located in Hammam al-Alil", "displacement to the Hammam al-Alil screening site".
    r"\b(?:camps?|hospital|clinic|screening\s+site|site)\s+(?:(?:located|set\s+up|opened|"
    r"built)\s+)?(?:in|at)|"
    # Where someone spoke: "told AP from Baghdad", "told reporters in Erbil".
    r"\b(?:told|said|speaking|spoke)\s+(?:\w+\s+){0,2}?(?:in|from)|"
    # "(to the) east of Mosul" is outside it; "in the east of Mosul" is in it.
    r"(?<!\bin\sthe\s)(?<!\bon\sthe\s)(?<!inside\s)\b(?:north|south|east|west)(?:-?(?:east|west))?(?:ern|wards?)?\s+of|"
    r"\b(?:km|kilometres?|kilometers?|miles?|metres|meters|yards)\)?\s+(?:\w+\s+)?(?:of|from)|"
    # "now only 16km away from the international Mosul airport": how near, not there.
    r"\baway\s+from|"
    # "the last two villages before Mosul", "situated immediately before Mosul airport": the
    # way there, not the place.
    r"\b(?:last|final)\s+(?:[\w'’-]+\s+){0,4}?before|"
    r"\b(?:situated|located|lies|lying|just|immediately)\s+before)"
    # "north of Mosul's historic Old City": a city's possessive and an adjective may come first.
    # "some 280 km north of the Iraqi capital of Baghdad".
    r"\s+(?:just\s+)?(?:the\s+)?(?:(?:Iraqi\s+|Syrian\s+)?capital(?:,|\s+of)?\s+|"
    r"(?:(?:northern|southern|eastern|western|"
    r"central|nearby|neighbou?ring|Assyrian|Christian|Yazidi|Kurdish|Sunni|Shiite|Turkmen|"
    r"Iraqi|Syrian)\s+)?"
    r"(?:city|town|village|district|area|(?:archa?eological\s+)?site|ruins)\s+of\s+)?"
    r"(?:(?:more\s+)?(?:central|(?:north|south|east|west)(?:ern)?)\s+)?(?:\w+['’]s\s+)?"
    r"(?:(?:historic|old|densely\s+populated|international)\s+)?$",
    re.IGNORECASE,
)
# Every alternative begins a word with one of these stems: the regex is tried only there.
_REFERENCE_FINDER = TriggeredPattern(
    _REFERENCE,
    "near around outside close beyond vicinity conference told said speaking spoke north south "
    "east west km kilomet mile met yard overlook fled flee displaced crossed escaped return arriv "
    "evacuated live living stay shelter road highway route path flees escap civilians residents "
    "families people villagers halfway camp hospital clinic screening site launch set staged away "
    "last final situated located lies lying just immediately "
    "forces troops units fighters soldiers "
    "link connect isolat cut sever".split(),
)
# Clause breaks: a cue in the mention's own clause beats a nearer one across "while".
# The alternatives are ";", "\s[-–—]\s", "\s(?:after|amid|...)\b" ("Wahda after heavy
# clashes"), ",\s*(?:while|...|<verb>ing)\b" (", tightening the noose") and "\bwhile\b";
# written to begin with one class of first characters, which lets the regex engine skip to
# where one may begin. The participles that go on with a list or a place do not break.
_CLAUSE = re.compile(
    r"[;\s,w](?:(?<=;)|(?<=\s)[-–—]\s|(?<=\s)(?:after|amid|amidst|following)\b"
    r"|(?<=,)\s*(?:while|whereas|but|as|when|and"
    r"|(?!including|according|involving|surrounding|adjoining|bordering|overlooking)[a-z]+ing)\b"
    r"|(?<=w)(?<!\w\w)hile\b)"
)
_STATUSES = frozenset((ADVANCE, FIGHTING, CLEARING, RETAKEN, ISIS_HELD))
_AIMABLE = frozenset((RETAKEN, CLEARING, ADVANCE))


class Cue(NamedTuple):
    """A status cue in a sentence."""

    start: int
    end: int
    status: str


def _after_to(before: str) -> bool:
    """`before` ends in the word "to" and white space (the regex \\bto\\s+$, without its scan),
    or in "to be": "Hawija needs also to be liberated" is as much an aim."""
    bare = before.rstrip()
    if len(bare) == len(before):
        return False
    if bare[-5:].lower() == "to be" and bare[-6:-5] in (" ", ""):
        bare = bare[:-3]
    elif bare[-2:].lower() != "to":
        return False
    prev = bare[-3:-2]
    return not (prev.isalnum() or prev == "_")


def find_cues(sentence: str, matches: list[re.Match[str]] | None = None) -> list[Cue]:
    """Status cues in `sentence`. One that an intent, a future or a negation governs ("aims to
    liberate", "will be attacking", "failed to retake") is a cue for `mentioned`: the place it
    is nearest to is named, but nothing happened there yet.

    `matches` are those of CUE_FINDER in `sentence`, for a caller that found them already.
    """
    cues: list[Cue] = []
    for m in CUE_FINDER.matches(sentence) if matches is None else matches:
        start, end = m.span()
        status = _cue_status(sentence, m.lastgroup, start, end)
        if (
            status == ISIS_HELD
            and cues
            and cues[-1].status in _EVENTS
            and _HELD_ADJECTIVE.search(sentence, start, end)
            and _OBJECT_GAP.fullmatch(sentence, cues[-1].end, start)
        ):
            # "recaptured the ISIS-held town of X", "advance further into IS stronghold": the
            # adjective or noun says what the place was before the event the verb tells.
            continue
        newly = (
            _NEWLY.search(sentence, max(0, start - 12), start)
            if status == RETAKEN and cues and cues[-1].status in _EVENTS
            else None
        )
        if newly and _OBJECT_GAP.fullmatch(sentence, cues[-1].end, newly.start()):
            # "cleared the recently recaptured town of Tiba": what the place became before the
            # event the verb tells.
            continue
        if status is not None:
            cues.append(Cue(start, end, status))
    return cues


def _cue_status(sentence: str, rule: str, start: int, end: int) -> str | None:
    """The status a cue found by `rule` (a group of _CUE_RULES) at start..end gives; None when
    the words are no cue after all."""
    if rule not in _STATUSES:
        return MENTIONED  # an intent rule
    before = sentence[max(0, start - 60) : start]
    after = _AFTER_CUE.match(sentence, end)
    told = after.lastgroup if after else None
    # "to liberate" is an aim, unless the forces managed to (done) or are working to (going).
    infinitive = rule in _AIMABLE and _after_to(before)
    done = _DONE_INFINITIVE.search(before) if infinitive else None
    if infinitive and done is None and sentence.startswith(_AFTER_TO_ONLY, start):
        # "an offensive to oust ISIL from Mosul": these verbs are read only where the forces
        # fight or managed to; the campaign they name is left to the other cues.
        return None
    if (
        (
            _guarded(before, sentence.endswith("ing", start, end))
            # "aiming for ISIS-held Baaj", "expected to be the ISIS-held Tal Afar": the
            # adjective tells what the place is now, whatever is planned for it.
            and not (rule == ISIS_HELD and _HELD_ADJECTIVE.search(sentence, start, end))
        )
        or (infinitive and done is None)
        or told == "denied"
        or rule in _AIMABLE
        and not before.strip(_WORD_EDGES + " ")
        and sentence[start:end].partition(" ")[0].endswith("ing")
        and _GERUND_SUBJECT.match(sentence, end) is not None
    ):
        return MENTIONED
    if rule == RETAKEN and sentence[start:end].endswith(("lost", "loses", "losing")):
        return RETAKEN  # ISIS lost it: the subject is ISIS by the rule itself
    if rule == RETAKEN and done is not None and done["going"]:
        return ADVANCE  # "action was under way to seize Karamlesh": not taken yet
    if rule == ISIS_HELD and told == "by_forces":
        return RETAKEN  # "under the control of the Hashd forces": who holds it is not ISIS
    if rule == ADVANCE:
        if _by_isis(sentence, max(0, start - 40), start) or (
            sentence[start : start + 9].lower().startswith(_ATTACK_NOUNS)
            and _ISIS_ADJECTIVE.search(before)
        ):
            # "IS militants stormed into Kirkuk": an attack; but "ISIS overran large areas,
            # including Mosul": the place fell to ISIS.
            return ISIS_HELD if sentence.startswith("overr", start) else FIGHTING
        if told == "approach" and not _BEGAN.search(before):
            # "advanced toward Tal Afar", "reached the edges of": not there yet; but "began
            # advancing towards the Quds neighbourhood" is the offensive begun.
            return MENTIONED
        if told == "troops":
            return None  # "clashes between advancing Iraqi forces and ISIS": which forces
    if (
        rule == ISIS_HELD
        and sentence[start:end].lower().startswith(("hold", "held"))
        and sentence[end - 2 : end] in ("to", "To")
        and not _by_isis(sentence, max(0, start - 43), start)
    ):
        return MENTIONED  # "troops are holding on to their gains": no one else holds it
    if rule == RETAKEN and (
        _by_isis(sentence, max(0, start - 43), start - 3)
        if sentence.startswith("control", start)
        else _by_isis(sentence, max(0, start - 40), start)
    ):
        # "ISIS fighters are still in control of the Old City", "The Islamic State captured
        # Mosul three years ago": the place fell to ISIS.
        return ISIS_HELD
    return rule


# A gerund that opens a sentence as its subject, before a copula or a modal: "Taking back the
# Old City ... is crucial to recapturing the whole", "Retaking Tal Afar would cut the road". A
# judgement on the deed, not the deed.
_GERUND_SUBJECT = re.compile(
    r"[^.;:!?]{0,120}?\s(?:is|are|was|were|would|will|could|may|might|remains|remain)\s"
    r"(?:\w+\s+)?(?:crucial|key|vital|important|essential|critical|expected|likely|necessary|"
    r"seen|considered|set|going|a\s|an\s|the\s|be\s|take\s|cut\s|open\s|mark\s|help\s|allow\s)",
    re.IGNORECASE,
)
# The verbs the retaken rules read only after "to".
_AFTER_TO_ONLY = ("oust", "expel", "evict", "dislodge", "drive")
_EVENTS = frozenset((ADVANCE, FIGHTING, CLEARING, RETAKEN))
_HELD_ADJECTIVE = re.compile(
    r"(?:[-\s](?:held|occupied|controlled)|-(?:seized|captured)|stronghold|bastion)$", re.IGNORECASE
)
# An attack named by its attackers: "staged a terrorist assault on Kirkuk".
_ATTACK_NOUNS = ("assault", "attack", "offensive", "incursion", "raid")
_ISIS_ADJECTIVE = re.compile(
    r"\b(?:terrorist|jihadist|militant|insurgent|(?-i:IS|ISIS|ISIL)|Daesh)\s+$", re.IGNORECASE
)
# A share of a place: "90 per cent of east Mosul", "two thirds of the city of".
_SHARE_OF = re.compile(
    r"(?:per\s*cent|percent|%|thirds?|quarters?)[”\"]?\s+of\s+(?:the\s+)?(?:city\s+of\s+)?"
    r"(?:(?:east|west|eastern|western)\s+)?$",
    re.IGNORECASE,
)
# A taking verb's participle as an adjective: "the recently recaptured town of Tiba".
_NEWLY = re.compile(r"\b(?:recently|newly|already|previously|just)[\s-]+$", re.IGNORECASE)
# What may stand between such a verb and the adjective: "of the key", "the", "a".
_OBJECT_GAP = re.compile(
    r"\s+(?:(?:further|deeper|farther|of|into|in|inside|on|over)\s+){0,2}(?:(?:the|a|an)\s+)?"
    # "to retake Mosul's last ISIL-held parts": a city's possessive may come first.
    r"(?:\w+['’]s\s+)?(?:\w+\s+)?"
    # "pushed into a pocket of ISIS-held territory": a part of what ISIS holds.
    r"(?:(?:pockets?|parts?|areas?|stretch|swathes?)\s+of\s+)?",
    re.IGNORECASE,
)
# What the words right after a cue tell of it, in one regex (one call per cue), first match
# first:
# - "denied": "the full attack has not yet started", "the assault is yet to begin";
# - "approach": an advance that has not reached the place: "advanced toward Tal Afar", "had
#   reached the edges of the al-Qahira";
# - "by_forces": "under the control of" the government's forces, not ISIS's;
# - "troops": an advance used as an adjective of the troops: "advancing Iraqi forces".
_AFTER_CUE = re.compile(
    r"\s+(?:"
    r"(?P<denied>(?:\w+\s+){0,2}?(?:has|have|had|is|are|was|were)\s+"
    r"(?:not\s+(?:yet\s+)?(?:started|begun|been\s+launched|launched|come)|yet\s+to|still\s+to))"
    r"|(?P<approach>(?:(?:further|closer|slowly)\s+)?(?:toward|towards)"
    r"|(?<=reached\s)(?:the\s+)?(?:edges?|outskirts|gates|doorstep|outer\s+limits))"
    r"|(?<=control\s)(?P<by_forces>of\s+(?:the\s+)?(?:Iraqi|Kurdish|Peshmerga|Hashd|PMU|PMF|"
    r"army|government|security|federal|popular|volunteer|counter-terrorism|CTS|ISF|troops|"
    r"forces|police))"
    r"|(?<=advancing\s)(?P<troops>Iraqi|Kurdish|government|security|federal|army|troops|forces|"
    r"units|soldiers|Peshmerga)"
    r")\b",
    re.IGNORECASE,
)
# An advance made by ISIS ("IS militants stormed into the city of Kirkuk") is an attack on a
# place the government holds: fighting there, not a front line moving in.
_BY_ISIS = re.compile(
    r"(?:\b(?:ISIS|ISIL|IS|Daesh|Islamic\s+State)|\b(?i:militants|jihadists|insurgents))"
    # "ISIL, ... also known as ISIS, took full control of the town of Rutba": the name may
    # close an aside, right before the verb.
    r"(?:\s+(?i:fighters|militants|gunmen|members|forces))?(?:\s+(?:\w+\s+){0,2}|,\s+)$"
)
# ISIS as the object of what the forces do: "Iraqi forces battling IS militants on Sunday",
# "terminated scores of Daesh members during the liberation of".
_ISIS_AS_OBJECT = re.compile(
    r"\b(?:battling|fighting|against|targeting|from|with|to|expelling|defeating|killed|killing|"
    r"terminated|eliminated|eliminating|neutrali[sz]ed|arrested)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,2}(?:\([A-Z]+\)\s+)?$",
    re.IGNORECASE,
)


def _by_isis(sentence: str, lo: int, hi: int) -> bool:
    """ISIS is the subject of what sentence[hi:] tells, as far as the words before it show."""
    window = sentence[lo:hi]
    if not any(word in window for word in _ISIS_WORDS):
        return False  # spares most cues the search
    m = _BY_ISIS.search(sentence, lo, hi)
    return (
        m is not None
        and not _PASSIVE.search(m[0])
        and not _ISIS_AS_OBJECT.search(sentence, max(0, m.start() - 40), m.start())
    )


# A piece of each word _BY_ISIS begins with.
_ISIS_WORDS = ("IS", "Daesh", "Islamic", "ilitants", "ihadists", "nsurgents")
# "IS fighters had been pushed out of Bawiza": done to ISIS, not by it.
_PASSIVE = re.compile(r"\b(?:been|being|was|were|got)\s+$", re.IGNORECASE)


def clause_breaks(sentence: str) -> list[int]:
    """Offsets where a new clause begins."""
    return [m.start() for m in _CLAUSE.finditer(sentence)]


# A word one of the reference rules needs among the last six before the place: a cheap test that
# spares most places the rules' search.
_REFERENCE_HINTS = frozenset(
    "near nearby around outside to beyond of from away before conference told said speaking "
    "spoke fled flee "
    "overlooking overlooks overlook overlooked "
    "fleeing displaced crossed escaped returned returning arrived arriving evacuated between "
    "linking connecting links link connects connect flees escaping live lives living lived "
    "stay stays staying stayed "
    "sheltering sheltered halfway camp camps hospital clinic site isolating isolate isolated "
    "isolates off severing severed sever severs".split()
)


# Fighting around a place is fighting there: "battling Daesh on Thursday around Mosul's Old
# City", "Heavy fighting was also reported around Mosul Museum"; not "the battle for the general
# area around Mosul".
_FIGHT_AROUND = re.compile(
    r"\b(?:fight(?:ing|s)?|fought|battl\w*|clash\w*)\b(?!\s+for\b)[^.;:]{0,40}?\baround\s+"
    r"(?:the\s+)?"
    r"(?:\w+['’]s\s+)?(?:(?:historic|old|centuries-old)\s+)?$",
    re.IGNORECASE,
)


def is_reference_point(sentence: str, start: int) -> bool:
    """The place at `start` is named only to locate something else."""
    before = sentence[max(0, start - 50) : start]
    lower = before.lower()
    # rsplit: only the last words are wanted (split()[-6:] gives the same).
    last = lower.rsplit(None, 6)[-6:]
    if not _REFERENCE_HINTS.intersection(last):
        return False
    if "around" in last and _FIGHT_AROUND.search(sentence, max(0, start - 90), start):
        return False
    return _REFERENCE_FINDER.found_in(before, lower)


# The words right after a place that say what it is named as, in one regex (one call per place):
# - "held": what ISIS holds: "Mosul, IS's last major stronghold in Iraq", "Mosul, the Islamic
#   State's capital", "the ISIS Mosul stronghold";
# - "campaign": a campaign or a front rather than where something happened: "the Mosul
#   offensive", "on the Gwer front", "the Qayyarah axis";
# - "facility": a site, camp or junction named after the place: "the Hammam al-Alil screening
#   site";
# - "retaken": "Bazwaia, a village which was retaken from Islamic State earlier in the day";
# - "authority": only whose an authority is: "Baghdad's counter-terrorism service said it had
#   retaken the town", "Mosul's governor", "the Erbil government".
_NAMED_AS = re.compile(
    r"(?:['’]s)?(?:"
    # ", which is the last stronghold to Daesh": the same, told in a clause.
    r"(?P<held>(?:,\s+(?:(?:which|that)\s+(?:is|was|remains)\s+)?(?:the\s+|their\s+)?"
    r"(?:group['’]s\s+|(?:ISIS|ISIL|(?-i:IS)|Daesh|Islamic\s+State|militants?|jihadists?)"
    r"['’]?s?\s+)?(?:(?:last|major|main|remaining|key|biggest|largest|"
    r"urban|de\s+facto)\s+)*|\s+)(?:stronghold|bastion|(?<=['’]s\s)capital|(?<=s['’]\s)capital))"
    # "Mosul, which is the last city that remains under the control of IS", "Mosul — the last
    # major Iraqi urban center held by the jihadists —".
    r"|(?:,|\s+[—–]|\s+--?)\s+(?:(?:which|that)\s+(?:is|was|remains)\s+)?(?:the|their|its)\s+"
    r"last\s+(?:[\w-]+\s+){0,3}?(?:city|town|urban\s+cent(?:er|re)|area|region|territory)\s+"
    r"(?:(?:that|which)\s+)?(?:(?:still\s+)?(?:remains?|is)\s+)?(?:still\s+)?"
    r"(?P<last_held>under|held\s+by|in\s+the\s+hands\s+of|controlled\s+by)"
    r"|\s+(?P<campaign>offensive|operations?|campaign|battle|war|front(?:line)?s?|ax[ie]s|sector)"
    r"|\s+(?P<facility>(?:screening\s+)?site|camp|junction|checkpoint)"
    # "took the Tel Afar-Mosul road": the road, named after the towns it joins.
    r"|(?:-(?-i:[A-Z])[\w'’]+(?:\s(?-i:[A-Z])[\w'’]+)?)?\s+(?P<road>road|highway|motorway)"
    r"|,\s+(?:(?:a|the)\s+(?:[\w-]+\s+){0,2}?|(?:(?:just\s+)?(?:north|south|east|west)\w*\s+"
    r"of\s+\w+,\s+))?(?:which|that)\s+(?:was|had\s+been|has\s+been)\s+"
    r"(?:\w+\s+)?(?P<retaken>retaken|recaptured|liberated|freed|taken|captured)"
    r"(?!\s+by\s+(?:the\s+)?(?:ISIS|ISIL|IS|Daesh|Islamic|militants|jihadists|terrorists))"
    r"|\s+(?:(?:central|federal|provincial|local)\s+)?(?P<authority>counter-terrorism|government|"
    r"governor|authorities|officials?|council|police\s+chief|operations\s+command|media\s+office|"
    r"health\s+directorate|prime\s+minister|mayor))\b",
    re.IGNORECASE,
)
_NAMED_STATUS = {
    "held": ISIS_HELD,
    "last_held": ISIS_HELD,
    "campaign": MENTIONED,
    "facility": MENTIONED,
    "road": MENTIONED,
    "authority": MENTIONED,
    "retaken": RETAKEN,
}
# "the battle for Mosul", "the fight for the city of Mosul".
_CAMPAIGN_BEFORE = re.compile(
    r"\b(?:battle|fight|campaign|war|offensive)\s+(?:for|of)\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.IGNORECASE,
)


def _names_campaign_before(sentence: str, start: int) -> bool:
    # The rule ends in "for" or "of", perhaps then "the" and "city of": look only where one of
    # them is that near.
    near = sentence[max(0, start - 17) : start]
    return ("of " in near or "for " in near) and (
        _CAMPAIGN_BEFORE.search(sentence, max(0, start - 40), start) is not None
    )


# What may stand between a taking verb and the place it took: "retook eastern Mosul", "control
# of the city of Mosul", "liberation of the whole of IS-held west Mosul".
_TAKEN_OBJECT = re.compile(
    r"(?:\s+(?:of|over|in|from|on))?\s+(?:the\s+)?"
    r"(?:(?:whole(?:\s+of)?|entire|rest\s+of\s+the|city\s+of|(?:left|right)\s+bank\s+of|"
    # "ISIS Loses Eastern Half of Mosul": a whole half, as the set's convention has it.
    r"(?:eastern|western|east|west)\s+(?:half|side|bank)\s+of|"
    r"eastern|western|east|west|(?:IS|ISIS|ISIL|Daesh|jihadist)(?:-held)?)\s+){0,3}",
    re.IGNORECASE,
)
# What may stand between a place and a taking verb after it: "Mosul was liberated", "Mosul's
# liberation", "Mosul city has now been fully retaken".
_TAKEN_SUBJECT = re.compile(
    # Not "forces in Mosul have seized a new neighbourhood": the active voice takes something
    # else.
    r"['’]s\s+|\s+(?:city\s+)?(?:(?:has|have|had)\s+(?:now\s+)?been\s+"
    r"|(?:was|were|is|are)\s+(?:now\s+)?)?"
    r"(?:fully\s+|completely\s+|officially\s+|finally\s+)?",
    re.IGNORECASE,
)


def taken_itself(sentence: str, cues: list[Cue], claim: str, start: int, end: int) -> bool:
    """Whether the place at start..end is what the sentence's `claim` (retaken or clearing)
    was done to, and not a city around it: "retook eastern Mosul", "Mosul was liberated", but
    not "retook a town on the eastern edge of Mosul" or "took back three villages west of Mosul".
    Nor a share of it: "about 90 per cent of east Mosul was now under government control".
    """
    if _SHARE_OF.search(sentence, max(0, start - 30), start):
        return False
    before = after = None
    for cue in cues:
        if cue.status != claim:
            continue
        if cue.end <= start:
            before = cue
        elif cue.start >= end and after is None:
            after = cue
    if before is not None and _TAKEN_OBJECT.fullmatch(sentence, before.end, start):
        return True
    return after is not None and _TAKEN_SUBJECT.fullmatch(sentence, end, after.start) is not None


# A place the forces move towards, which they have not reached: "advanced toward the town of
# Tal Afar", "moved through al-Farouq street towards Bab al-Toub, Serjkhana and Bab Jadid".
# Not an offensive begun on it: "began advancing towards the Quds neighbourhood".
_TOWARD = re.compile(
    r"\btowards?\s+(?:the\s+)?(?:(?:town|village|city|district|neighbou?rhoods?|areas?|"
    r"outskirts|edges?|heart|centre|center)\s+of\s+)?"
    # Not "toward ISIS-held Tel Afar", "toward the recently liberated Tal al-Sultan": the
    # adjective tells what the place is, which its own cue gives.
    r"(?:(?:(?![\w-]*(?:held|occupied|controlled|liberated|recaptured|retaken|freed)\b)"
    r"[\w-]+(?:,|\s+and)?\s+){1,4}?)?$",
    re.IGNORECASE,
)
_TOWARD_BEGUN = re.compile(rf"\b(?:{_BEGIN_WORDS}|launched)\b", re.IGNORECASE)


def _toward(sentence: str, start: int) -> bool:
    before = sentence[max(0, start - 80) : start]
    if "toward" not in before:
        return False
    m = _TOWARD.search(before)
    return m is not None and not _TOWARD_BEGUN.search(before, 0, m.start())


# Where forces set out from, or a road runs from: "pushed from the Christian town of Bartalla
# toward Mosul's eastern suburbs", "advance north from Qayyarah towards southwestern Mosul",
# "the road from Irbil to towns south of Mosul". Not "drove IS from Mosul", with no "to" after.
_FROM_BEFORE = re.compile(
    r"\bfrom\s+(?:the\s+)?(?:(?:[\w-]+\s+)?(?:town|village|city|area|region)\s+of\s+)?$",
    re.IGNORECASE,
)
_TO_AFTER = re.compile(r"\s*,?\s+(?:towards?|to|into)\s", re.IGNORECASE)


def _origin(sentence: str, start: int, end: int) -> bool:
    return (
        _TO_AFTER.match(sentence, end) is not None
        and _FROM_BEFORE.search(sentence, max(0, start - 40), start) is not None
    )


# What comes between a place and a cue after it when the cue is a second verb of the subject.
# "pushed into the town of Hamdaniyah and said it captured the main government compound": a
# second predicate, about something else, may be told as what the subject said.
_AND_THEN = re.compile(
    r"\sand\s+(?:then\s+|also\s+|later\s+)?(?:(?:said|says|announced|reported|claimed)\s+"
    r"(?:that\s+)?(?:it|they|he|she)\s+(?:had\s+|has\s+|have\s+)?)?$"
)

# Longer than any _AND_THEN match short of dozens of spaces in a row: where it is looked for,
# so that each name's cost is not the length of its sentence.
_AND_THEN_LONGEST = 100


def status_for(sentence: str, cues: list[Cue], breaks: list[int], start: int, end: int) -> str:
    """The status the sentence gives the place at start..end: its nearest cue, same clause first."""
    if not cues:
        return MENTIONED
    named_as = _NAMED_AS.match(sentence, end)
    if named_as:
        return _NAMED_STATUS[named_as.lastgroup]
    if (
        is_reference_point(sentence, start)
        or _names_campaign_before(sentence, start)
        or _toward(sentence, start)
        or _origin(sentence, start, end)
    ):
        return MENTIONED
    if len(cues) == 1:
        return cues[0].status

    def clause(pos: int) -> int:
        return bisect_right(breaks, pos)

    own = clause(start)

    def cost(cue: Cue) -> float:
        # A cue after the name ("Intisar was recaptured") counts, a little less than one before;
        # not one that begins a second predicate ("freed Sukkar and made progress in Siddeeq").
        if cue.end <= start:
            gap = start - cue.end
        else:
            gap = (cue.start - end) * 1.5
            if _AND_THEN.search(sentence, max(end, cue.start - _AND_THEN_LONGEST), cue.start):
                gap += 1000
        return max(gap, 0) + (0 if clause(cue.start) == own else 1000)

    return min(cues, key=cost).status
