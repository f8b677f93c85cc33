"""Status and event-date rules on single sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.dates import attribution_date, find_dates
from articles.status import clause_breaks, find_cues, status_for

FRIDAY = dt.date(2016, 11, 4)
MONDAY = dt.date(2017, 1, 2)


def status_of(sentence: str, name: str) -> str:
    start = sentence.index(name)
    return status_for(
        sentence, find_cues(sentence), clause_breaks(sentence), start, start + len(name)
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Iraqi forces entered Zahour on Friday.", "advance"),
        ("The troops pushed into Zahour.", "advance"),
        ("Police began the offensive to liberate Hammam.", "advance"),
        ("Forces launched an operation on Saturday to take Hammam.", "advance"),
        ("Forces began fresh operations aimed at retaking Hammam.", "advance"),
        ("Forces on Thursday resumed an offensive to rid Hammam of ISIS.", "advance"),
        ("Police have resumed operations in Hammam after a two-week lull.", "advance"),
        ("Troops have made further advancements in the south of Zahour.", "advance"),
        ("Forces gained ground in door-to-door fighting in Zahour.", "advance"),
        ("Troops have captured more than three-quarters of Zahour.", "advance"),
        ("Forces launched the operation to retake Mosul's last ISIL-held parts of Zahour.",
         "advance"),
        ("Trauma rates on the first day of the new offensive in Zahour were limited.", "advance"),
        ("In Mosul proper, the special forces control the Zahour neighborhood.", "retaken"),
        ("Mosul, the last major city stronghold of ISIS, waits.", "isis_held"),
        ("Heavy fighting is underway in Zahour.", "fighting"),
        ("Rain slowed forces battling Daesh on Thursday around Zahour.", "fighting"),
        ("Peshmerga entered it as part of the battle for the area around Zahour.", "mentioned"),
        ("Units clashed with ISIS at the entrance of Karama.", "fighting"),
        ("Troops are carrying out cleansing operations in Kokjeli.", "clearing"),
        ("They are combing Kokjeli for mines.", "clearing"),
        ("Police recaptured Intisar from ISIS.", "retaken"),
        ("They moved on after capturing the hugely symbolic Intisar on Thursday.", "retaken"),
        ("Forces had taken near total control of Intisar.", "retaken"),
        ("Soldiers raised the Iraqi flag over Intisar.", "retaken"),
        ("Troops hoisted an Iraqi flag on the buildings in the Intisar neighborhood.", "retaken"),
        ("Soldiers planted their flag in Zahour on Sunday.", "retaken"),
        ("Iraqi flag flies over Intisar again", "retaken"),
        ("The Iraqi flag is now waving above Intisar.", "retaken"),
        ("A man waved an Iraqi flag in Intisar.", "mentioned"),
        ("Abadi declared victory over the militants in Mosul on Monday.", "retaken"),
        ('Abadi declared victory over "brutality and terrorism" in Mosul.', "retaken"),
        ("The premier declared the defeat of Islamic State in Mosul.", "retaken"),
        ("Our troops were able to liberate Intisar.", "retaken"),
        ("Intisar was recaptured on Sunday.", "retaken"),
        ("Zahour remains under ISIS control.", "isis_held"),
        ("Zahour, the last district controlled by ISIL, waits.", "isis_held"),
        ("The army aims to liberate Intisar.", "mentioned"),
        ("Police await the order to enter Mosul and liberate Intisar.", "mentioned"),
        ("Police were only days away from ousting militants from Intisar.", "mentioned"),
        ("Troops massed in preparation for the entry and liberation of Intisar.", "mentioned"),
        ("Jets struck ahead of an assault on Intisar.", "mentioned"),
        ("Forces joined the new push for the liberation of Intisar.", "mentioned"),
        ("Ahead of the battle, forces retook Intisar.", "retaken"),
        ("Alerts went to residents of IS-occupied areas in Zahour.", "isis_held"),
        ("The Federal police finally took Hammam along with three villages.", "retaken"),
        ("The ISF are now in control of the districts of Zahour and Karama.", "retaken"),
        ("ISIS fighters are still in control of Zahour.", "isis_held"),
        ("Iraqi forces seized most of Zahour neighborhood.", "advance"),
        ("They said 90 percent of the Zahour district had been retaken.", "advance"),
        ("Forces are in the process of retaking Zahour.", "advance"),
        ("Troops made incursions into the Zahour district.", "advance"),
        ("A large operation was launched by the Peshmerga in Zahour.", "advance"),
        ("Ground Offensive Underway in Zahour", "advance"),
        ("The operation was launched from Zahour.", "mentioned"),
        ("Peshmerga stormed the town with Iraqi forces from Zahour.", "mentioned"),
        ("Troops retook the vast majority of the Zahour district.", "advance"),
        ("The capture of the whole of Intisar should be achieved in days.", "mentioned"),
        ("Troops are making swift progress in Zahour.", "advance"),
        ("Troops moved deeper inside central Mosul.", "advance"),
        ("The army recovered Karama after heavy clashes.", "retaken"),
        ("The agency has managed to restore the villages of Karama and Zahour.", "retaken"),
        ("The offensive aimed at liberating the city of Mosul.", "mentioned"),
        ("Militants holed up in Zahour fired mortars.", "isis_held"),
        ("Zahour remains in the hands of Islamic State.", "isis_held"),
        ("The police advanced after controlling the Zahour district.", "retaken"),
        ("Families fled to the Kurdish-controlled Zahour camp.", "mentioned"),
        ("A PMU unit declared it controls the town of Zahour.", "retaken"),
        ("The villages surrounding Zahour are mostly Yazidi.", "mentioned"),
        ("Troops surrounded Zahour on Friday.", "advance"),
        ("A main objective of the offensive is retaking Zahour.", "mentioned"),
        ("Units progressing from the south through the Zahour district met little resistance.",
         "advance"),
        ("Troops fired on militant positions before entering the Zahour neighborhood.", "advance"),
        ("The army must secure the bridges before they enter Zahour.", "mentioned"),
        ("Special forces overran several ISIS positions at Zahour.", "advance"),
        ("Only the Zahour neighborhood is left to be retaken.", "isis_held"),
        ("The army took back control of a road leading west out of Zahour.", "mentioned"),
        ("The district lies 400 kilometers north of the capital, Zahour.", "mentioned"),
        ("The group is now besieged in Zahour, its last corner of the city.", "isis_held"),
        ("IS is making its last stand in Zahour.", "isis_held"),
        ("Zahour, where their black flag has been flying since 2014, waits.", "isis_held"),
        ("Zahour, where the group's black flag fluttered for three years, waits.", "isis_held"),
        ("Troops raised the Iraqi flag over Zahour.", "retaken"),
        ("Iraqi forces entered the IS-held city of Mosul.", "advance"),
        ("Forces took control of the key Daesh-held districts such as Zahour.", "retaken"),
        ("Families fled from Zahour to camps as troops advanced.", "mentioned"),
        ("Thousands arrived at the Karama camp, which has reached capacity.", "mentioned"),
        ("Dozens of IS militants stormed into the town of Karama.", "fighting"),
        ("ISIS fighters entered Karama overnight.", "fighting"),
        ("Troops are in range of Karama but the full attack has not yet started.", "mentioned"),
        ("The assault on Zahour is yet to begin.", "mentioned"),
        ("The attack on Zahour was not stopped by the storm.", "fighting"),
        ("They imposed their control over 40 percent of Karama.", "advance"),
        ("Forces retook parts of Kokjeli on Sunday.", "advance"),
        ("Troops pushed into a town near the Islamic State-held city of Mosul.", "isis_held"),
        ("They penetrated deep inside north of Zahour neighbourhood.", "advance"),
        ("Troops took the district of Kokjeli on Monday.", "retaken"),
        ("Iraqi Forces Take New Western Mosul Neighborhood", "retaken"),
        ("Iraqi Forces Take Part in Mosul Parade", "mentioned"),
        ("He took part in the Mosul talks.", "mentioned"),
        # A place named only to say where something else is, or where someone spoke.
        ("They retook Bartalla, a town to the east of Mosul.", "mentioned"),
        ("Troops liberated the shrine in the east of Mosul.", "retaken"),
        ("Speaking at a press conference in Hammam, he announced the liberation.", "mentioned"),
        ("Brig. Gen. Rasool told AP from Mosul that the forces advanced.", "mentioned"),
        ("Troops advanced in Mosul, the army said.", "advance"),
        ("Forces failed to retake Intisar.", "mentioned"),
        ("Forces plan to enter Intisar next week.", "mentioned"),
        ("Troops will storm Intisar.", "mentioned"),
        ("They are seeking to recapture Intisar.", "mentioned"),
        ("Troops have not entered Intisar.", "mentioned"),
        ("Villages around Hammam have been retaken.", "mentioned"),
        ("Clashes flared south of Mosul.", "mentioned"),
        ("Residents of Intisar met.", "mentioned"),
        # A place that names a campaign or a front.
        ("It was the sixth day of the Mosul offensive.", "mentioned"),
        ("Peshmerga liberated five villages on the Hammam front.", "mentioned"),
        ("Iraqis brace for the next stage of the battle for Mosul.", "mentioned"),
        # Where people live, what a road joins.
        ("Christians who stay in Hammam welcomed the liberation of the town.", "mentioned"),
        ("Peshmerga recaptured the main road linking Mosul and Bashiqa.", "mentioned"),
        ("Families returned on the road from Hammam to the liberated towns.", "mentioned"),
        # A condition is no event.
        ("If Iraqi forces enter Kokjeli, it will mark a milestone.", "mentioned"),
        # ... however long its subject, up to the clause's end.
        ("Militias will wait until the Iraqi army and police take Intisar.", "mentioned"),
        ("Unless the army and the federal police enter Kokjeli, nothing changes.", "mentioned"),
        ("Until Sunday, when the army and the police entered Kokjeli, it was quiet.", "advance"),
        # "nearby" after a preposition names where it happened, not a reference point.
        ("Troops advanced into nearby Intisar.", "advance"),
        ("They started a new attack on the nearby district of Intisar.", "advance"),
        ("From the nearby village of Bashiqa, smoke could be seen rising.", "mentioned"),
        # An advance begun towards a place is the offensive begun; a bare approach is not there.
        ("Forces began advancing towards the Karama neighbourhood.", "advance"),
        ("Forces are advancing towards the Karama neighbourhood.", "mentioned"),
        # Part of a place, whatever the verb's tense: an advance into it.
        ("They were able to liberate 85 percent of the Kokjeli district.", "advance"),
        ("His forces have taken the al-Karama Mosque compound.", "retaken"),
        ("Forces were taking 40 percent of Zahour.", "advance"),
        ("ISIS fighters hold on to the Karama district.", "isis_held"),
        # Cues a first reading of real reports lacked.
        ("The army wrested control of Karama on Friday.", "retaken"),
        ("ISIS still holds onto the adjacent Karama neighbourhood.", "isis_held"),
        ("Troops are holding on to their gains in Karama.", "mentioned"),
        ("Jets carried out air raids in Karama.", "fighting"),
        ("Two civilians died in a guided-missile strike in Karama.", "fighting"),
        ("The army opened a new front with an assault on the town of Karama.", "advance"),
        ("The army took al-Karama district on Monday.", "retaken"),
        ("Iraqi army wins back Karama district.", "retaken"),
        ("Iraqi Forces Seized Quarter of the Mosul City", "advance"),
        # A place ISIS took is a place it holds; ISIS as the object of the fight says nothing.
        ("The Islamic State captured Mosul three years ago.", "isis_held"),
        ("Iraqi forces battling IS militants on Sunday recaptured Intisar.", "retaken"),
        ("Forces are working to clear the Karama neighbourhood.", "clearing"),
        ("Special forces were seizing another neighbourhood of Karama.", "retaken"),
        ("Volunteers purged the ISIL terrorists from Karama village.", "retaken"),
        ("Families fleeing Mosul arrived at a new camp.", "mentioned"),
        ("Civilians from Karama district fleeing the fighting gathered.", "mentioned"),
        ("Engineers searched for bombs about halfway from Hammam to Mosul.", "mentioned"),
        ("Troops took two neighbourhoods near central Mosul's Old City.", "mentioned"),
        # Where a camp or a site stands, and a front named after a place.
        ("Families fled to a new camp in Hammam after the army retook their village.",
         "mentioned"),
        ("Fighting in Mosul sent families to the Hammam screening site.", "mentioned"),
        ("Peshmerga forces liberated five villages on the Kokjeli axis.", "mentioned"),
        ("Mosul's governor said that troops retook the town.", "mentioned"),
        ("The army advanced toward Karama on Friday.", "mentioned"),
        ("The army is advancing on Karama.", "advance"),
        ("Troops had taken two thirds of another Mosul district, Intisar.", "advance"),
        ("Troops gained control of new buildings in the Intisar neighbourhood.", "advance"),
        ("Soldiers took over the hospital building in the Karama neighbourhood.", "advance"),
        ("Iraqi forces extended their grip in Mosul after intense fighting.", "advance"),
        ("Militants were killed in the Karama neighbourhood on Sunday.", "fighting"),
        ("In Karama, a day before, troops killed dozens of militants.", "fighting"),
        # A second verb of the same subject tells of what comes after it.
        ("Troops completely freed the neighbourhood of Zahour and entered Karama.", "retaken"),
        ("Troops retook the western neighbourhoods of the city of Mosul after clashes.",
         "retaken"),
        ("The army made significant progress in the Karama neighbourhood.", "advance"),
        # A clause that begins with a verb in -ing after a comma is a clause of its own.
        ("Troops had retaken another neighbourhood of Mosul, tightening the noose around ISIS.",
         "retaken"),
        ("There were clashes between advancing Iraqi forces and ISIS in Karama.", "fighting"),
        ("The ICTF had reached the edges of the Karama neighbourhood.", "mentioned"),
        ("He spoke in Karama, a village which was retaken from IS earlier in the day.", "retaken"),
        ("Karama was now under the control of the Hashd forces.", "retaken"),
        ("Karama was still under the control of ISIS.", "isis_held"),
        # What a place is called next to its name, unless the verb before it tells what changed.
        ("Troops came within five miles of Mosul, the Islamic State's capital.", "isis_held"),
        ("Peshmerga entered Mosul, the capital of Nineveh province.", "advance"),
        ("Troops neared the militant stronghold of Mosul last week.", "isis_held"),
        ("Troops retook the former ISIS stronghold of Mosul.", "retaken"),
        ("Iraqi forces advance further into IS stronghold in Mosul", "advance"),
        ("The town lies 6km north of Karama, which was liberated earlier in the day.", "retaken"),
        ("They entered Karama, south of Mosul, which was recently taken by the army.", "retaken"),
        ("They saw Karama, which was captured by IS in 2014.", "isis_held"),
        # Work under way, attacks begun, the targets of a push: not only an aim.
        ("Efforts were still underway to clear militants from Kokjeli.", "clearing"),
        ("At dawn the 9th Division began raiding the areas of Kokjeli.", "advance"),
        ("Special forces descended on Kokjeli early on Thursday.", "advance"),
        ("It said the targets of the latest push were Karama and Kokjeli.", "advance"),
        ("The troops initiated a new push at the edge of Karama.", "advance"),
        ("His troops marched into the Karama neighbourhood on Sunday morning.", "advance"),
        ("Forces continued to register gains in Mosul's western Karama district.", "advance"),
        ("Iraqi forces announce gains in Mosul Old City", "advance"),
        ("Federal Police invaded the districts of Karama and Kokjeli.", "advance"),
        ("These forces are focusing now on controlling Karama.", "mentioned"),
        ("He denied reports that Iraqi forces had entered the Karama area.", "mentioned"),
        ("Troops took a village near the archaeological site of Karama.", "mentioned"),
        # A bare "to free" is read as "to liberate" is: done after "managed to", else an aim.
        ("The army managed to free the three villages of Karama and Kokjeli.", "retaken"),
        ("Police managed, at noon today, to liberate the village of Karama.", "retaken"),
        ("Forces launched a push to free Karama.", "advance"),
        ("The troops are free of any orders to enter Karama.", "mentioned"),
        ("Iraqi armed forces reclaimed the embattled Karama district on Sunday.", "retaken"),
        ("The media office announced liberating Karama train station.", "retaken"),
        ("Security forces reported capturing the Karama neighbourhood.", "retaken"),
        ("Army units and the police teamed up to capture the Karama district.", "retaken"),
        ("Around 90 percent of Karama has been purged of its occupiers.", "advance"),
        ("The Peshmerga have expelled ISIS militants from the Karama district.", "retaken"),
        ("Peshmerga on Sunday pushed the Islamic State (ISIS) out of Karama.", "retaken"),
        ("His troops had driven out IS militants from the Karama neighbourhood.", "retaken"),
        ("The PMU announced their advance liberating Karama village.", "retaken"),
        # A place ISIS seized, said as an adjective, is held; an event before it still counts.
        ("Units are preparing to liberate the other militants-seized town of Karama.", "isis_held"),
        ("Troops reached the IS-seized town of Karama.", "advance"),
        ("Raids cut the supply routes between Karama and the border, police said.", "mentioned"),
        ("The PMU cut a path linking the town of Karama after fully clearing it.", "mentioned"),
        ("Troops retook a village some 280 km north of the Iraqi capital of Karama.", "mentioned"),
        ("The militia made advances west of the Iraqi city of Karama.", "mentioned"),
        ("Forces liberating Karama met stiff resistance.", "fighting"),
        # Where forces head is not yet reached, unless their offensive on it began.
        ("Federal police moved through al-Farouq street towards Karama and Kokjeli.", "mentioned"),
        ("The Hashd advanced south-west toward the town of Karama, the source said.", "mentioned"),
        ("The army began advancing towards the Karama neighbourhood.", "advance"),
        ("Artillery pounded Karama for several hours.", "fighting"),
        ("Police managed, before noon today, to liberate the village of Karama.", "retaken"),
        ("Action was under way to seize a neighbouring village, Karama.", "advance"),
        ("The Iraqi flag was hoisted over buildings in the village of Karama.", "retaken"),
        ("Rebels ousted IS from the strategic town of Karama on Thursday.", "retaken"),
        ("ISIS loses Karama, its major bastion in the west.", "retaken"),
        ("Daesh militants have lost control of 56 oil wells in Karama.", "retaken"),
        ("The army lost two tanks near Karama.", "mentioned"),
        ("The bridge was reached, and the hotel and Karama were both taken.", "retaken"),
        ("Karama was taken by surprise, residents said.", "mentioned"),
        ("ISIL still controls other landmarks, including the ruins of Karama.", "isis_held"),
        ("The Federal Police went into Karama on Sunday.", "advance"),
        ("Special forces were battling on Wednesday to clear the Karama neighbourhood.",
         "clearing"),
        ("We have attacked and fully control Karama, he said.", "retaken"),
        ("The push on Karama came after troops retook the airport.", "advance"),
        ("Units of the 9th Division took the Karama-Mosul road on March 1.", "mentioned"),
        ("Units of the 9th Division took the Tel Afar-Mosul road on March 1.", "mentioned"),
        ("Peshmerga cut the Mosul highway near Bashiqa.", "mentioned"),
        ("Forces retook Nimrud, some 19 miles (30 kilometers) from Mosul.", "mentioned"),
        # How near the forces are, however the distance is written.
        ("Forces seized Bazwaya, a mile from Karama.", "mentioned"),
        ("Police seized Bazwaya and are now 16km away from the international Karama airport.",
         "mentioned"),
        # Forces that move on to a place advance there; fighting that moves on is fighting.
        ("Police troops later moved on to the Karama area, killing 17 militants.", "advance"),
        ("He added that clashes have moved on to al-Mansour, al-Shuhadaa and Karama "
         "neighborhoods and 10 percent of them have been cleared of ISIS.", "fighting"),
        ("The ministry said the forces would move forward to Karama village.", "mentioned"),
        ("Troops pushed to oust IS from the west, taking back a series of neighbourhoods and "
         "sites including Karama.", "retaken"),
        ("The wounded were taken back to Karama.", "mentioned"),
        # Fire exchanged or aimed at the enemy in a place is fighting there.
        ("She had heard exchanges of gunfire in Karama on Tuesday.", "fighting"),
        ("Two ISIS members opened fire on a police officer in Karama district.", "fighting"),
        ("Army forces struck Islamic State targets in Karama, a village north of the city.",
         "fighting"),
        ("Turkey says its artillery hit IS positions in Karama.", "fighting"),
        ("The strike hit a wedding party in Karama.", "mentioned"),
        ("The units began artillery strikes on February 21 on Karama.", "fighting"),
        ("Troops opened up with tank and machine-gun fire on IS positions in Karama.",
         "fighting"),
        # A headline tells the news in the present tense.
        ("Iraqi military seizes Karama from IS", "retaken"),
        ("Iraqi army frees Karama", "retaken"),
        ("Iraqi army secures Karama", "retaken"),
        ("Iraqi army regains Karama", "retaken"),
        ("Army soldiers also drove back Daesh extremists from Karama district.", "retaken"),
        # What ISIS took is held, however its name is set off.
        ("ISIL, also known as ISIS,  took full control on Monday of the town of Karama.",
         "isis_held"),
        ("In 2014 ISIS overran large areas north of Baghdad, including Karama.", "isis_held"),
        ("They began search operations in Karama to find Daesh remnants.", "clearing"),
        ("Mosul and the town of Karama are the last urban centers under the terror group's "
         "control.", "isis_held"),
        # An attack named by its attackers is fighting, not an advance of the front.
        ("More than 60 fighters staged a terrorist assault on Karama early Friday.", "fighting"),
        ("Iraqi forces battling Daesh reach Karama", "advance"),
        ("Officials said ISIS forces attacked and captured the village of Karama today.",
         "isis_held"),
        # Under the forces' control is taken; still being cleared is a clearing.
        ("The neighborhoods of Samah, Quds and Karama were under Iraqi control.", "retaken"),
        ("Bab al-Jadid and Karama areas are still being cleared.", "clearing"),
        # ISIS as the object of the blow: "a harsh blow to Daesh by retaking".
        ("The elite forces delivered a harsh blow to Daesh by retaking Karama district.",
         "retaken"),
        ("Special forces pushed into a pocket of ISIS-held territory in eastern Karama.",
         "advance"),
        # What a place became before the sentence's event: "the recently liberated".
        ("Mortars shelled the recently liberated Karama neighbourhood on Sunday.", "fighting"),
        # A nearby place joined to those taken is one more of them.
        ("Security forces freed two villages and nearby Karama area, 7 km from the city.",
         "retaken"),
        ("The CTS retook Bab-Shams, as well as nearby area of Karama.", "retaken"),
        ("The CTS retook Bab-Shams, near Karama.", "mentioned"),
        # What is planned for a place does not change who holds it now.
        ("The PMUs expanded west, aiming for ISIS-held Karama, south of the border.",
         "isis_held"),
        ("The next targets are expected to be the ISIS-held Karama and Hawija pockets.",
         "isis_held"),
        # The way to a place is not the place.
        ("Police took Bazwaya and Gogjali, the last two villages before Karama.", "mentioned"),
        ("Troops captured two villages situated immediately before Karama airport.",
         "mentioned"),
        ("Troops retook Karama before they moved on to the airport.", "retaken"),
        ("The division cleared areas near Badush in its advance toward ISIS-held Karama.",
         "isis_held"),
        # Forces fighting to drive ISIS out are advancing; an offensive named for that aim
        # leaves the place to the other cues.
        ("Iraqi forces fight to oust ISIS from Karama", "advance"),
        ("Troops have been fighting to drive out IS militants from western Mosul.", "advance"),
        ("Peshmerga stormed Bashiqa in an offensive to oust ISIL from Mosul.", "advance"),
        ("After fighting their way with gunships to Karama on Monday, troops dug in.", "advance"),
        ("Troops battled their way along two streets in Karama.", "fighting"),
        ("Police killed a commander during operations to clear Karama district.", "clearing"),
        ("Two soldiers died during the operation to liberate Karama.", "advance"),
        ("Forces were poised for an assault on Karama, which lies 15 km away.", "mentioned"),
        # Where an attack set out from, what a region joins, how many people aid reached.
        ("The army launched the operation from Karama and is working its way south.",
         "mentioned"),
        ("Hatra, an IS bastion which links between Karama and the border, was freed.",
         "mentioned"),
        # The far end of a road taken, what a place is cut off from.
        ("Forces seized a road north of Mosul linking the city to Syria's Karama.", "mentioned"),
        ("Police retook the road linking Mosul, the second city, to Karama.", "mentioned"),
        ("The advance cut off western Mosul from Karama.", "mentioned"),
        ("Food distributions in eastern Mosul reached 50,000 people this week.", "mentioned"),
        ("Troops reached Mosul this week.", "advance"),
        # What people fled that happened there; a victory declared; a capture yet to be.
        ("Gunmen infiltrated a village as they fled the battles in Mosul's Old City.",
         "fighting"),
        ("Families fled from Mosul to the camps.", "mentioned"),
        ("The premier declared an official end to the campaign to retake Mosul.", "retaken"),
        ("Abadi declared victory in Mosul on Sunday.", "retaken"),
        ("The recapture of Mosul would mark the militants' defeat in Iraq.", "mentioned"),
        ("Today we have completed Karama and other districts, the commander said.", "retaken"),
        ("Recruits had completed the training in Karama.", "mentioned"),
        ("The coalition is committed to supporting its partners in the liberation of Mosul.",
         "mentioned"),
        ("Forces have made significant progress in clearing Mosul's east side.", "advance"),
        ("Mosul's Salam hospital is now controlled by Iraqi forces, at great cost.", "retaken"),
        ("Forces drive IS from Mosul, their last major stronghold in the country.", "isis_held"),
        ("The PMU renewed their push on the region, liberating the villages of Kokjeli and Zahour.",
         "retaken"),
        ("Iraqi forces liberating Karama met fierce resistance.", "fighting"),
        ("Abadi announced that full liberation of Mosul is near.", "mentioned"),
        ("The army resumed its battle to liberate the western part of Mosul.", "advance"),
        ("The army pushed into the nearby town of Hammam and said it captured the compound.",
         "advance"),
        ("The retaking of Mosul – in the largest operation in years – could take months.",
         "mentioned"),
        ("Turkey has a mission in Bashiqa, where soldiers trained men in combat techniques.",
         "mentioned"),
        ("Retaking the sites brings them closer to fully recapturing west Mosul.", "mentioned"),
        ("Iraqi troops are within 500m of retaking the Karama district.", "mentioned"),
        ("After the liberation of the villages, the PMU turned to the highway that links Hammam "
         "to the border.", "mentioned"),
        ("IS fighters, holding out in Karama, are using booby traps.", "isis_held"),
        ("Forces advance towards Karama, which is the last stronghold to Daesh in the city.",
         "isis_held"),
        ("Police units have completed their combat duties in Karama and raised the flag.",
         "retaken"),
        ("Forces are continuing their push to clear militants out of Karama.", "advance"),
        ("Taking back Karama, a warren of narrow alleys, is crucial to recapturing the city.",
         "mentioned"),
        ("Retaking Hammam would cut the militants' supply road.", "mentioned"),
        ("Retaking Hammam, the army killed dozens of militants.", "retaken"),
        ("Troops ramped up the operation, launching an assault to close in on Karama.",
         "advance"),
        ("Troops entered Kokjeli and were only 800 yards from the more central Karama district.",
         "mentioned"),
        ("The assault on Mosul, which is the last city that remains under the control of IS in "
         "Iraq, could begin this month.", "isis_held"),
        ("The offensive against Mosul — the last major Iraqi urban center held by the jihadists "
         "— was launched.", "isis_held"),
        ("Forces have been sweeping through nearby areas in a way to invade Karama.",
         "mentioned"),
        ("Like Mosul, Hammam needs also to be liberated, the governor said.", "mentioned"),
        ("Recapture of Mosul after more than two years of Daesh rule would probably spell the "
         "end of its caliphate.", "mentioned"),
        ("The special forces continued cleanup operations in the village of Hammam.", "clearing"),
        ("Officials said the Zahour neighbourhood was fully under their control by the afternoon "
         "and the forces were now entering the next one.", "retaken"),
        ("Troops now fully control the hill overlooking Mosul, the spokesman said.", "mentioned"),
        ('He said: "more than a third" of west Mosul was now under the control of the army.',
         "advance"),
        ("Forces clashed with IS fighters holding out in Karama on Wednesday.", "fighting"),
        ("Troops are about to complete the encirclement of the Karama district.", "mentioned"),
        ("The Iraqis established their presence in the Karama district before a sandstorm.",
         "advance"),
        ("Kurdish forces announced a new push at dawn on Bashiqa, where fighters are engaged in "
         "a huge assault.", "advance"),
        ("Forces faced mortar fire as they pushed from the Christian town of Bashiqa toward the "
         "eastern suburbs.", "mentioned"),
        ("Troops continued to advance north from Hammam towards southwestern Mosul.", "mentioned"),
        ("Iraqi forces attacked from Hammam on Tuesday.", "fighting"),
    ],
)
def test_a_sentence_gives_its_place_a_status(sentence, expected):
    place = next(
        w
        for w in ("Zahour", "Hammam", "Karama", "Kokjeli", "Intisar", "Mosul", "Bashiqa")
        if w in sentence
    )
    assert status_of(sentence, place) == expected


def test_what_came_a_day_after_a_named_day_came_the_day_before_it():
    sentence = "Kurds struck on Saturday, a day after militants stormed into Kirkuk."
    saturday, before = find_dates(sentence, dt.date(2016, 10, 23))
    assert (saturday.date, before.date) == (dt.date(2016, 10, 22), dt.date(2016, 10, 21))
    assert before.start == sentence.index("a day after")


def test_a_place_nearest_a_future_is_not_given_an_earlier_event():
    sentence = "Now that Zahour was secured, the forces will be attacking Mosul airport."
    assert status_of(sentence, "Zahour") == "retaken"
    assert status_of(sentence, "Mosul") == "mentioned"


def test_a_reference_point_may_follow_a_city_and_an_adjective():
    sentence = "They retook the Zanjili district just north of Mosul's historic Old City."
    assert status_of(sentence, "Old City") == "mentioned"
    assert status_of(sentence, "Zanjili") == "retaken"


def test_each_place_takes_the_cue_of_its_own_clause():
    sentence = (
        "Troops carry out cleansing operations in Kokjeli, while other units are engaged in "
        "clashes at the entrance of Karama."
    )
    assert status_of(sentence, "Kokjeli") == "clearing"
    assert status_of(sentence, "Karama") == "fighting"


def dates_in(sentence: str, published: dt.date = FRIDAY) -> list[tuple[dt.date, str]]:
    return [(d.date, d.precision) for d in find_dates(sentence, published)]


def test_a_stated_date_beats_its_weekday():
    assert dates_in("Recaptured on Sunday (January 1), officers said.", MONDAY) == [
        (dt.date(2017, 1, 1), "stated")
    ]


def test_a_day_and_month_after_publication_is_last_year():
    assert dates_in("The push began on December 29.", MONDAY) == [(dt.date(2016, 12, 29), "stated")]
    assert dates_in("On 1 January 2017 it fell.", FRIDAY) == [(dt.date(2017, 1, 1), "stated")]


def test_a_weekday_is_the_latest_such_day_up_to_publication():
    assert dates_in("Sources said on Thursday.") == [(dt.date(2016, 11, 3), "relative")]
    assert dates_in("Fighting on Friday.") == [(FRIDAY, "relative")]
    assert dates_in("Fighting on Saturday.") == [(dt.date(2016, 10, 29), "relative")]


def test_a_market_named_for_its_day_is_no_date():
    assert dates_in("Police took the Wednesday market and the Friday souq.") == []
    assert dates_in("Police took the market on Wednesday.") == [
        (dt.date(2016, 11, 2), "relative")
    ]


@pytest.mark.parametrize(
    ("phrase", "day"),
    [
        ("yesterday", dt.date(2016, 11, 3)),
        ("today", FRIDAY),
        ("last night", dt.date(2016, 11, 3)),
        ("the day before yesterday", dt.date(2016, 11, 2)),
        ("two days ago", dt.date(2016, 11, 2)),
        ("4 days ago", dt.date(2016, 10, 31)),
        ("six days ago", dt.date(2016, 10, 29)),
        ("a day after Wednesday's attack", dt.date(2016, 11, 3)),
    ],
)
def test_relative_days(phrase, day):
    assert [d for d, _ in dates_in(f"It happened {phrase}.")] == [day]


def test_a_day_that_names_a_district_is_no_date():
    assert dates_in("The July 17, Iqtisadin, and Rifai areas were all liberated.") == []
    assert dates_in("Troops entered the 17 July neighbourhood.") == []
    assert dates_in("The July 17 attack killed four.") == [(dt.date(2016, 7, 17), "stated")]


@pytest.mark.parametrize(
    ("phrase", "matched"),
    [
        ("last month", "last month"),
        ("in October", "October"),
        ("in late October", "October"),
        ("in mid-September", "September"),
        ("in July 2014", "July 2014"),
        ("several weeks ago", "weeks ago"),
        ("months ago", "months ago"),
        ("last year", "last year"),
        ("earlier this year", "earlier this year"),
        ("a month ago", "a month ago"),
    ],
)
def test_a_time_long_past_is_background_not_a_day(phrase, matched):
    sentence = f"Kokjeli was retaken {phrase}."
    assert dates_in(sentence) == []  # no day to date an event by
    found = find_dates(sentence, FRIDAY, background=True)
    assert [(d.date, d.precision, sentence[d.start : d.end]) for d in found] == [
        (FRIDAY, "background", matched)
    ]


def test_when_a_campaign_began_is_no_time_of_the_sentence_news():
    # "on Saturday" dates the assault on the districts; the operation's start is its own clause.
    sentence = (
        "Troops on Saturday ramped up an operation that began seven months ago, launching an "
        "assault on Shifa."
    )
    found = find_dates(sentence, FRIDAY, background=True)
    assert [(d.precision, sentence[d.start : d.end]) for d in found] == [("relative", "Saturday")]
    assert [d.precision for d in find_dates("Shifa fell months ago.", FRIDAY, background=True)] == [
        "background"
    ]


def test_the_day_a_period_began_in_a_since_clause_is_no_day_of_the_news():
    for sentence in (
        "Forces entered Zahour for the first time since launching an operation five days ago.",
        "The CTS has suffered no losses since the renewed push was launched on Sunday.",
    ):
        assert dates_in(sentence) == [], sentence
    assert dates_in("Forces entered Zahour on Thursday.") == [(dt.date(2016, 11, 3), "relative")]


def test_a_month_is_background_only_before_the_month_of_publication():
    for sentence in ("It fell in November.", "It fell in November 2016.", "since October",
                     "Troops may march.", "Mar Mikhail monastery in Mosul"):
        assert find_dates(sentence, FRIDAY, background=True) == [], sentence
    # With no year, a month later than publication's is last year's.
    (december,) = find_dates("It fell in December.", FRIDAY, background=True)
    assert december.precision == "background"


def test_lowercase_months_and_weekdays_are_words_not_dates():
    assert dates_in("Troops may 5 times march on.") == []


def test_an_attribution_date_comes_from_a_speech_verb():
    assert attribution_date("Police sources said on Thursday that forces moved.", FRIDAY).date == (
        dt.date(2016, 11, 3)
    )
    assert attribution_date("The attack on Thursday killed four.", FRIDAY) is None
