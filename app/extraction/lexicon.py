"""Word lists the grammar keys on: movement, reporting, modality, force and place nouns.

Lists are lemma sets (lowercase). Ukrainian and Russian verbs are listed without the
reflexive "-ся/-сь", which the matcher strips before lookup.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """A lemma set written as whitespace-separated words."""
    return frozenset(text.split())


# --- English -------------------------------------------------------------------------------
EN_MOVE_VERBS = words(
    """
    move redeploy deploy transfer send withdraw pull relocate shift dispatch reinforce
    arrive transport ferry airlift fly carry divert reposition rotate return retreat
    evacuate leave enter head cross march stream disperse bring roll drive sail steam
    go come
    fall pour ship bus truck rush depart redirect reassign
    """
)
# Verbs whose direct object is the destination ("entered Belarus") or the origin
# ("left Goma"), not the unit that moves.
EN_OBJECT_IS_DESTINATION = frozenset({"enter", "reach"})
EN_OBJECT_IS_ORIGIN = frozenset({"leave", "abandon", "quit", "exit", "evacuate"})
# Verbs whose object is the cargo and whose subject is the carrier.
EN_TRANSPORT_VERBS = frozenset(
    {"carry", "ferry", "airlift", "fly", "transport", "bring", "ship", "bus", "truck"}
)
# Verbs that only count as movement together with an explicit from/to phrase.
EN_WEAK_VERBS = frozenset(
    {"go", "come", "roll", "drive", "sail", "steam", "return", "head", "cross", "stream",
     "march", "concentrate", "mass", "bring", "rotate", "evacuate", "leave", "retreat",
     "fall", "pour", "ship", "rush", "depart"}
)  # fmt: skip
EN_MOVE_NOUNS = words(
    """
    redeployment deployment transfer withdrawal pullout pullback relocation movement
    move shift dispatch arrival flight flights rotation retreat departure
    """
)
EN_PURPOSE_VERBS = frozenset({"reinforce", "bolster", "strengthen", "shore", "back"})
EN_REPORT_VERBS = words(
    """
    say tell report write note add confirm claim accuse announce state estimate believe
    assess show reveal indicate suggest allege warn insist acknowledge disclose explain
    told quote cite publish observe record deny
    """
)
EN_DEMAND_VERBS = frozenset({"call", "urge", "demand", "ask", "appeal", "want", "propose"})
EN_PLAN_CUES = frozenset(
    {"will", "would", "shall", "plan", "intend", "prepare", "expect", "aim", "going", "set",
     "schedule", "decide", "agree", "order", "could", "may", "might", "can", "need", "should"}
)  # fmt: skip
EN_NEGATIONS = frozenset({"not", "n't", "never", "no"})

EN_FORCE_NOUNS = words(
    """
    troop troops soldier soldiers force forces unit units brigade brigades division
    divisions regiment regiments battalion battalions corps army armies company
    companies detachment detachments contingent contingents reserve reserves
    reinforcement reinforcements paratrooper paratroopers marine marines infantry
    fighter fighters mercenary mercenaries personnel servicemen serviceman element
    elements formation formations group groups grouping peacekeeper peacekeepers
    commando commandos sapper sappers deminer deminers crew crews warship warships ship
    ships vessel vessels fleet tank tanks artillery column columns convoy convoys
    vehicle vehicles truck trucks aircraft jet jets bomber bombers helicopter
    helicopters equipment hardware weapon weapons system systems launcher launchers
    battery batteries guard guards militia militiamen rebel rebels squad squads platoon
    platoons assets power builder builders specialist specialists instructor instructors
    carrier carriers apc apcs ifv ifvs destroyer destroyers frigate frigates submarine
    submarines cruiser cruisers corvette corvettes drone drones armour armor
    """
)
# Nouns that need a military cue nearby (trucks may carry aid).
EN_WEAK_FORCE_NOUNS = frozenset(
    {"column", "columns", "convoy", "convoys", "vehicle", "vehicles", "truck", "trucks",
     "ship", "ships", "vessel", "vessels", "aircraft", "group", "groups", "crew", "crews",
     "equipment", "system", "systems", "builder", "builders", "specialist", "specialists",
     "helicopter", "helicopters", "jet", "jets"}
)  # fmt: skip
EN_CIVILIAN_NOUNS = frozenset(
    {"civilian", "civilians", "resident", "residents", "people", "refugee", "refugees",
     "family", "families", "child", "children", "hostage", "hostages", "prisoner",
     "prisoners", "body", "bodies", "aid", "food", "medicine", "fuel", "palestinians",
     "journalist", "journalists", "diplomat", "diplomats", "attention", "focus", "money"}
)  # fmt: skip
EN_MILITARY_CUES = re.compile(
    r"\b(?:military|army|armou?red|troops?|soldiers|combat|tanks?|artillery|air[- ]defen[cs]e|"
    r"missile|weapons?|naval|navy|warships?|infantry|marines|forces?|brigade|battalion|"
    r"regiment|division|corps|fleet|flotilla|air ?bases?|airfields?|S-\d+|T-\d+|APCs?|IFVs?)\b",
    re.IGNORECASE,
)
# Place-like head nouns accepted as a destination or origin without a gazetteer hit.
EN_PLACE_NOUNS = words(
    """
    region regions oblast area areas border borders frontier front fronts direction
    directions axis sector sectors zone zones bank banks coast city town village
    villages base bases airbase airfield airport port camp camps garrison territory
    territories province district corridor line lines position positions north south
    east west northeast northwest southeast southwest exclave enclave peninsula island
    islands side outskirts vicinity theatre theater sea river heights mountains
    frontline battlefield crossing bridgehead countryside hub facility facilities depot
    depots barracks
    capital capitals rear ground grounds ports airfields airbases coastline shore
    waters mainland cities towns settlement settlements oblasts provinces districts
    borders harbour harbor
    """
)
# Heads so generic that "X in Y" is better reported as Y ("bases in the Far East").
EN_GENERIC_PLACE_HEADS = frozenset(
    {"area", "areas", "facility", "facilities", "base", "bases", "camp", "camps",
     "outskirts", "vicinity", "positions", "position", "site", "sites", "barracks", "rear",
     "villages", "towns", "settlements", "cities"}
)  # fmt: skip
EN_COMPASS = frozenset(
    {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
     "north-east", "north-west", "south-east", "south-west"}
)  # fmt: skip
EN_PLACE_ANAPHORS = frozenset(
    {"the area", "the region", "the zone", "the sector", "the same sector", "the same area",
     "the same region", "the same front", "the same direction", "there", "the port",
     "the base", "the city", "the town", "the front", "the exclave"}
)  # fmt: skip
EN_UNIT_ANAPHORS = frozenset(
    {"they", "them", "it", "the brigade", "the division", "the regiment", "the battalion",
     "the corps", "the unit", "the units", "the troops", "the force", "the forces",
     "the contingent", "the soldiers", "the formation", "the army", "the group"}
)  # fmt: skip

# --- Ukrainian / Russian -------------------------------------------------------------------
SL_MOVE_VERBS = words(
    """
    перекидати перекинути передислокувати передислоковувати перемістити переміщувати
    перевести переводити направити направляти відправити відправляти вивести виводити
    відвести відводити стягувати стягнути стягти висунути висуватися висунутися
    перебазувати перебазуватися переправити переправляти відійти відходити вийти
    виходити залишити залишати покинути покидати прибути прибувати зайти заходити увійти
    входити рушити рухатися перекидатися розгорнути розгортати підтягнути підтягувати
    повернути повертати вирушити вирушати евакуювати перебросить перебрасывать
    передислоцировать переместить перемещать переводить направить направлять отправить
    отправлять вывести выводить отвести отводить стягивать стянуть выдвинуть выдвигать
    выдвинуться выдвигаться перебазировать переправить переправлять отойти отходить
    выйти выходить оставить покинуть покидать прибыть прибывать войти входить двинуться
    двигаться развернуть развертывать подтянуть подтягивать вернуть возвращать уйти
    уходить переехать переезжать переїхати переїжджати
    відступити відступати отступить отступать
    кинути кидати кинуть кидать бросить бросать перекинуть доставити доставляти доставить доставлять
    ввести вводити вводить вивезти вивозити вывезти вывозить
    """
)
SL_MOVE_NOUNS = words(
    """
    перекидання передислокація переміщення відведення виведення відхід відступ рух
    переправлення перебазування прибуття відправлення переброска передислокация
    перемещение отвод вывод отход отступление движение переправа перебазирование
    прибытие отправка
    """
)
# Verbs whose accusative object is the origin ("залишили Суджу", "покидают объекты").
SL_OBJECT_IS_ORIGIN = frozenset({"залишити", "залишати", "покинути", "покидати", "оставить",
                                 "покидать"})  # fmt: skip
SL_REPORT_VERBS = words(
    """
    заявити заявляти сказати повідомити повідомляти розповісти зазначити наголосити
    додати підтвердити написати писати передати передавати стверджувати вважати
    оцінювати інформувати попередити показати свідчити уточнити пояснити заявить
    заявлять сказать сообщить сообщать рассказать отметить подчеркнуть добавить
    подтвердить написать писать передать передавать утверждать считать оценивать
    информировать предупредить показать свидетельствовать уточнить пояснить
    """
)
SL_DEMAND_VERBS = frozenset(
    {"закликати", "вимагати", "просити", "попросити", "призвати", "призывать",
     "требовать", "потребовать", "просить", "попросить", "запропонувати", "предложить"}
)  # fmt: skip
SL_PLAN_CUES = frozenset(
    {"планувати", "збиратися", "мати", "намір", "планировать", "собираться", "намерен",
     "намереваться", "буде", "будуть", "будет", "будут", "може", "можуть", "может",
     "могут", "мочь", "могти", "готуватися", "готовиться", "вирішити", "решить", "наказати",
     "приказать", "план", "плани", "планы"}
)  # fmt: skip
SL_FORCE_LEMMAS = words(
    """
    підрозділ війська військо сила частина десантник військовий сапер будівельник колона
    техніка бригада дивізія полк батальйон корпус армія резерв боєць контингент
    угруповання група особовий склад вагнерівець найманець морпіх піхотинець
    військовослужбовець танк гелікоптер літак корабель формування штурмовик зсу всу зс ешелон эшелон
    окупант оккупант противник ворог враг
    подразделение войско войска часть военный сапёр строитель колонна техника дивизия
    батальон армия боец группировка группа личный состав вагнеровец наемник морпех
    военнослужащий вертолёт вертолет самолёт самолет корабль формирование
    """
)
# "the enemy" names who moves only when no unit is named ("противник перекидає резерви")
SL_AGENT_LEMMAS = frozenset({"окупант", "оккупант", "противник", "ворог", "враг"})
SL_PLACE_LEMMAS = words(
    """
    район область напрямок напрям берег кордон зона рубіж позиція база авіабаза аеродром
    регіон місто село фронт ділянка лінія острів півострів лівобережжя правобережжя
    територія країна республіка округ табір полігон порт море направление сторона
    граница рубеж позиция авиабаза аэродром регион город участок линия остров полуостров
    левобережье правобережье территория страна республика лагерь полигон юг север восток
    запад південь північ схід захід центр
    пункт місце место казарма гарнізон гарнизон тил тыл полігон база
    """
)
# Ukrainian passive participles the dictionary files as adjectives ("виведена на відпочинок").
SL_MOVE_PARTICIPLES = words(
    """
    перекинутий переведений виведений відведений направлений відправлений
    передислокований переміщений перебазований стягнутий розгорнутий введений висунутий
    повернутий евакуйований переправлений підтягнутий доставлений кинутий
    """
)
# Verbs of staying: "війська, які стояли під X" / "находившиеся в X" say where a unit was
# before it moved.
SL_STAY_VERBS = words(
    """
    перебувати знаходитися стояти дислокуватися базуватися розташовуватися розміщуватися
    воювати тренуватися навчатися утримувати знаходитись перебуватиме
    находиться стоять дислоцироваться базироваться располагаться размещаться воевать
    тренироваться обучаться удерживать
    """
)
SL_GENERIC_PLACE_HEADS = frozenset({"об'єкт", "объект", "позиція", "позиция", "база"})
# Prepositions: origin takes genitive, destination the accusative (в/у/на) or
# genitive/dative for до/к.
SL_ORIGIN_PREPS = frozenset(
    {"з", "із", "зі", "від", "с", "со", "из", "изо", "от", "з-під", "із-під", "з-за", "из-под",
     "из-за"}
)  # fmt: skip
SL_DEST_PREPS = {"до": "gent", "в": "accs", "у": "accs", "во": "accs", "на": "accs",
                 "к": "datv", "ко": "datv", "під": "accs", "под": "accs",
                 "уздовж": "gent", "вдоль": "gent"}  # fmt: skip
SL_TOWARD = {("у", "напрямку"), ("в", "напрямку"), ("у", "бік"), ("в", "бік"),
             ("в", "сторону"), ("в", "направлении"), ("у", "сторону")}  # fmt: skip
SL_NEGATIONS = frozenset({"не", "ні", "ни", "нет", "немає"})
SL_CLAUSE_BREAKS = frozenset(
    {"який", "яка", "які", "яке", "котрий", "де", "що", "щоб", "коли", "хоча",
     "але", "проте", "однак", "который", "которая", "которые", "которое", "где", "что",
     "чтобы", "когда", "хотя", "но", "однако", "поскольку", "бо", "тому"}
)  # fmt: skip

# Cheap prefilter: only sentences matching this are parsed. English forms are listed
# explicitly so that "government", "left bank" or "headquarters" do not wake the parser.
MOVEMENT_CUE = re.compile(
    r"(?i)\b(?:mov(?:e|es|ed|ing)|movements?|redeploy\w*|deploy\w*|transfer\w*|send(?:s|ing)?|"
    r"sent|withdr[ae]w\w*|pull(?:s|ed|ing|out|back)?|relocat\w*|shift\w*|dispatch\w*|"
    r"reinforc\w*|arriv\w*|transport(?:s|ed|ing)?|ferr(?:y|ies|ied|ying)|airlift\w*|"
    r"fl(?:y|ies|ying|ew|own|ights?)|carr(?:y|ies|ied|ying)|divert\w*|reposition\w*|"
    r"rotat(?:e|ed|ing|ion)|return(?:s|ed|ing)?|retreat\w*|evacuat\w*|leav(?:e|es|ing)|"
    r"left(?! bank)|enter(?:s|ed|ing)?|head(?:s|ed|ing)|cross(?:es|ed|ing)|march(?:es|ed|ing)|"
    r"f[ae]ll(?:s|ing|en)? back|pour(?:s|ed|ing)|ship(?:s|ped|ping)|"
    r"stream(?:s|ed|ing)|dispers\w*|br(?:ing|ings|ought)|depart\w*|rolled|drove|sailed|"
    r"bus(?:sed|ed|ing|sing)|truck(?:s|ed|ing)|rush(?:es|ed|ing)|redirect\w*|reassign\w*)\b"
    r"|(?:переки|передисло|перемі|переве|перевод|направ|відправ|вивод|вивел|вивест|відвод|"
    r"відвел|відвест|стяг|висува|висуну|перебаз|переправ|відійш|відход|відступ|вийш|вихо|"
    r"залиш|покину|покида|прибу|зайш|увійш|руш|рух|розгорн|розгорт|підтяг|поверну|поверт|"
    r"вируш|переїх|переїжд|евакую|кину|кида|брос|достав|ввод|ввел|ввест|введ|вивез|вивоз|"
    r"перебр|переброс|перемещ|перемест|отправ|вывод|вывел|вывест|отвод|отвел|отвест|выдви|"
    r"отош|отход|отступ|вышл|выход|вышел|остав|покину|покида|прибы|вошл|вход|двину|двига|"
    r"движ|развер|подтян|подтяг|верну|возвра|уш[лёе]|уход|переех|переезж|вывез|"
    r"отвед|відвед|вывед|вивед|переведен|переведён|висун|передисл)\w*"
)
