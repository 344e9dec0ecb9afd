#!/usr/bin/env python3
"""Deterministic generator for LoRA Studio's bundled datasets (pure Python standard library).

Everything here is written for LoRA Studio: word lists, templates and the small story world they describe.
Nothing is downloaded or copied. The same seed gives byte-identical files on every machine (only
random.Random with explicit seeds, lists in fixed order, no set/dict-order or hash dependence).

    python datasets/generate.py                 # write every dataset into datasets/ (the committed files)
    python datasets/generate.py --out DIR       # somewhere else
    python datasets/generate.py --scale 4       # 4x as many examples of every set (not committed)
    python datasets/generate.py --only stories  # one set: stories, ship_logs, moods, reviews

Sets (each folder holds a README.md card):
  stories/      pretraining corpus for the bundled base model: short simple-English stories (plain text)
  ship_logs/    (a) style/domain shift: terse ship's-log entries about the same world (plain text)
  moods/        (b) instruction task, JSONL instruction/input/output: was it a happy or a sad day in the short story
  reviews/      (c) classification, CSV text,label: short reviews, label positive/negative/mixed
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
from pathlib import Path

SEED = 20240611  # the base seed; every set derives its own seed from it (see SEEDS)
SEEDS = {
    "stories": SEED + 1,
    "stories_valid": SEED + 2,
    "stories_prompts": SEED + 3,
    "ship_logs": SEED + 11,
    "ship_logs_prompts": SEED + 12,
    "moods": SEED + 21,
    "moods_heldout": SEED + 22,
    "reviews": SEED + 31,
    "reviews_heldout": SEED + 32,
}

# Committed sizes (multiplied by --scale).
SIZES = {
    "stories": 15000,         # stories in stories/stories.txt
    "stories_valid": 500,     # stories in stories/validation.txt (held out from pretraining)
    "stories_prompts": 40,
    "ship_logs": 3000,
    "ship_logs_prompts": 30,
    "moods": 4000,
    "moods_heldout": 300,
    "reviews": 3000,
    "reviews_heldout": 300,
}

# ----------------------------------------------------------------------------------------------------------
# The world's words. Written for this project.
# ----------------------------------------------------------------------------------------------------------

GIRLS = """Mia Lily Anna Rosa Ella Nora Ivy Lucy Maya Zoe Clara Daisy Emma Grace Hannah Iris June Kate Lena
Mara Nell Olive Poppy Ruby Sara Tess Una Vera Wren Alma Bea Cora Dina Edie Faye Gwen Hazel Isla Jade Kira Lola
Molly Nina Opal Pia Rita Sky Tara Uma Willa Yara Zara Amy Beth Cleo Dora Elsa Fern Gina Hope Ida Joy""".split()

BOYS = """Tom Ben Sam Max Leo Jack Finn Owen Luke Noah Eli Adam Carl Dan Evan Fred Gus Hugo Ivan Jon Kai Liam
Milo Ned Otto Paul Ray Seth Theo Vic Walt Abe Bram Cody Dex Emil Felix Glen Hal Ike Jude Kit Lars Mack Nico Oscar
Pete Quinn Rex Stan Ted Ugo Vince Wade Yuri Zack Alf Bob Colin Dean Ed Frank Hank""".split()

# Place and ship names are built from syllables, which gives the world a few hundred names of its own.
NAME_HEADS = """Bram Ell Thorn Ash Oak Mill Fen Rook Stone Wil Hollow Brook Marsh Pine Elm Birch Har Dun Kel
Glen Lark Wren Finch Crow Moss Fern Red Gold Silver Amber Frost Sun Moon Star""".split()
NAME_TAILS = """ford wick by ton dale mere stead field wood hill vale brook moor gate bridge well""".split()

PETS = """dog cat rabbit puppy kitten bird duck goat pony hamster mouse frog turtle parrot lamb""".split()
PET_NAMES = """Max Bo Pip Sox Biscuit Pepper Button Toffee Patch Rusty Misty Coco Sunny Fluff Dot Ziggy Bean
Nutmeg Pebble Honey Scout Bramble Tiny Ginger Clover Mocha Sparky Jelly Waffle Pickles""".split()
WILD_ANIMALS = """fox owl deer bear hedgehog squirrel badger robin crow heron otter mole beaver hare wolf swan
goose frog toad snail beetle butterfly bee moth spider lizard""".split()
SEA_ANIMALS = """whale dolphin seal gull shark turtle crab octopus jellyfish albatross puffin cormorant""".split()

COLORS = """red blue green yellow orange purple pink brown black white grey gold silver""".split()

# Things a child can own, find, carry, lose. (singular, plural)
THINGS = [
    ("ball", "balls"), ("kite", "kites"), ("hat", "hats"), ("cup", "cups"), ("box", "boxes"), ("book", "books"),
    ("bag", "bags"), ("boat", "boats"), ("drum", "drums"), ("sock", "socks"), ("shoe", "shoes"), ("coat", "coats"),
    ("scarf", "scarves"), ("key", "keys"), ("bell", "bells"), ("bucket", "buckets"), ("spoon", "spoons"),
    ("lamp", "lamps"), ("chair", "chairs"), ("blanket", "blankets"), ("pencil", "pencils"), ("crayon", "crayons"),
    ("basket", "baskets"), ("bowl", "bowls"), ("jar", "jars"), ("toy car", "toy cars"), ("train", "trains"),
    ("doll", "dolls"), ("teddy bear", "teddy bears"), ("umbrella", "umbrellas"), ("ribbon", "ribbons"),
    ("button", "buttons"), ("marble", "marbles"), ("shell", "shells"), ("stone", "stones"), ("feather", "feathers"),
    ("flag", "flags"), ("map", "maps"), ("rope", "ropes"), ("whistle", "whistles"), ("mitten", "mittens"),
    ("boot", "boots"), ("brush", "brushes"), ("comb", "combs"), ("plate", "plates"), ("mug", "mugs"),
    ("kettle", "kettles"), ("candle", "candles"), ("clock", "clocks"), ("wagon", "wagons"), ("bike", "bikes"),
    ("sled", "sleds"), ("net", "nets"), ("jacket", "jackets"), ("pillow", "pillows"), ("balloon", "balloons"),
    ("puzzle", "puzzles"), ("flute", "flutes"), ("tin", "tins"), ("bottle", "bottles"), ("card", "cards"),
]

# foods that read well after "some", "ate warm ..." and "had ... and ..."
FOODS = """apples bread cake soup pie cheese honey jam eggs carrots pears plums cookies buns rice porridge berries
pancakes toast grapes cherries peas beans corn muffins stew noodles""".split()
FOOD_ADJ = """warm sweet fresh hot tasty soft good""".split()

PLACES = [
    "the park", "the garden", "the beach", "the forest", "the river", "the lake", "the hill", "the farm",
    "the market", "the school", "the library", "the zoo", "the meadow", "the pond", "the village", "the bakery",
    "the harbor", "the field", "the orchard", "the barn", "the woods", "the shop", "the station", "the castle",
    "the bridge", "the mill", "the island", "the valley", "the cave", "the playground",
]
HOME_SPOTS = """kitchen garden bedroom attic yard porch hall shed cellar""".split()
ROOM_SPOTS = """under the bed|behind the door|in the box|on the shelf|under the table|in the garden|by the window|
in the basket|under a leaf|in the grass|behind the tree|near the pond|on the chair|in the sand|under the bench|
in the shed|on the roof|in a puddle|next to the stove|under the stairs""".replace("\n", "").split("|")

ADJ_SIZE = """big small little tiny huge tall short long round""".split()
ADJ_LOOK = """shiny old new soft bright dark pretty clean dirty striped spotted""".split()
FEELINGS = """happy sad tired excited scared proud angry calm sleepy surprised glad worried brave curious cheerful
pleased upset lonely grumpy""".split()
WEATHER = [
    "The sun was bright", "It was a rainy day", "The wind was cold", "Snow fell on the roofs",
    "The sky was grey", "It was a warm morning", "Fog covered the fields", "The air was fresh after the rain",
    "It was a windy afternoon", "The night was clear and full of stars",
]
TIMES = """In the morning|After lunch|In the evening|At night|On Monday|On Sunday|One day|Later that day|
The next morning|After school|Before dinner|In the spring|In the summer|In the autumn|In the winter""".replace(
    "\n", "").split("|")

# verb phrases in the past tense (things a character does), keyed by nothing: used freely
ACTIVITIES = [
    "played with the ball", "ran across the grass", "climbed a tree", "read a book", "drew a picture",
    "sang a song", "built a sand castle", "picked some flowers", "fed the ducks", "jumped in the puddles",
    "flew a kite", "rode a bike", "made a tower of blocks", "looked at the clouds", "counted the stars",
    "baked a cake", "planted some seeds", "swam in the lake", "caught a fish", "helped in the kitchen",
    "painted the fence", "watched the boats", "collected shells", "played hide and seek", "made a snowman",
    "danced in the rain", "listened to the birds", "walked the dog", "washed the dishes", "cleaned the room",
]
HELP_TASKS = [
    ("carry the heavy basket", "carried the basket"), ("find the lost key", "found the key"),
    ("fix the broken fence", "fixed the fence"), ("feed the hungry goats", "fed the goats"),
    ("pick the ripe apples", "picked the apples"), ("paint the old boat", "painted the boat"),
    ("build a new shed", "built the shed"), ("clean the dusty attic", "cleaned the attic"),
    ("water the garden", "watered the garden"), ("bake bread for the fair", "baked the bread"),
    ("mend the torn net", "mended the net"), ("sweep the kitchen floor", "swept the floor"),
]
SOUNDS = """a loud bang|a soft song|a small cry|a funny noise|a quiet knock|a strange buzz|a happy bark|
a sad meow|a little splash|a long whistle""".replace("\n", "").split("|")

# ship's log words
SHIP_FIRST = """Sea Salt Grey North Swift Bright Storm Silver Blue Old Brave Little Morning Evening""".split()
SHIP_SECOND = """Lark Gull Wren Star Wind Rose Maiden Heron Fox Otter Swan Crow Queen Lady""".split()
RANKS = ["Captain", "First Mate", "Second Mate", "Bosun", "Navigator"]
CREW_JOBS = ["the cook", "the carpenter", "the lookout", "the cabin boy", "the sailmaker", "the doctor"]
DIRECTIONS = ["north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"]
WIND_FORCE = ["calm", "light", "gentle", "fresh", "strong", "gale"]
SEA_STATE = ["flat", "slight", "moderate", "rough", "heavy swell", "choppy"]
SKY = ["clear", "fair", "overcast", "grey with rain", "fog", "squalls", "broken cloud", "stars at night"]
LOG_EVENTS = [
    "Mended the {sail}.", "Pumped the bilge, {n} inches of water.", "Shot the sun at noon.",
    "Sighted {count} {sea} off the {side} bow.", "Crew in good spirits.", "Crew tired, short rations.",
    "{job_cap} reports the {store} low.", "Fresh water, {n} barrels.", "Reefed the mainsail at {bell} bells.",
    "Lost a bucket over the side.", "Took soundings, {n} fathoms, sand and shell.",
    "Spoke the {ship2}, bound {dir}, all well aboard.", "{job_cap} served {food}.",
    "Sighted land to the {dir}, {place}.", "Tarred the rigging.", "Fished with lines, caught {n} cod.",
    "Heavy rain, filled the casks.", "A {sea_one} followed the ship all morning.", "Scrubbed the deck.",
    "Lamp lit at dusk, double watch kept.", "{name} on the sick list, a fever.", "{name} back to duty.",
]
SAILS = ["foresail", "mainsail", "jib", "topsail", "spanker"]
STORES = ["salt pork", "biscuit", "flour", "lamp oil", "rope", "tar", "fresh water", "firewood"]
SHIP_FOOD = ["fish stew", "pea soup", "salt pork and beans", "hard biscuit", "porridge", "boiled cod", "hot tea"]

# review words
REVIEW_SUBJECTS = [
    ("the bakery", ["bread", "cake", "buns", "pies"]), ("the cafe", ["tea", "soup", "sandwiches", "muffins"]),
    ("the inn", ["rooms", "beds", "breakfast", "stew"]), ("the toy shop", ["kites", "dolls", "puzzles", "trains"]),
    ("the market", ["apples", "cheese", "honey", "flowers"]), ("the ferry", ["seats", "crossing", "tickets", "deck"]),
    ("the library", ["books", "chairs", "lamps", "maps"]), ("the zoo", ["animals", "paths", "gardens", "cafe"]),
    ("the boat trip", ["views", "guide", "boat", "snacks"]), ("the music hall", ["songs", "band", "seats", "sound"]),
    ("the swimming pool", ["water", "slides", "showers", "lockers"]), ("the farm shop", ["eggs", "milk", "jam", "pears"]),
]
POS_ADJ = ["great", "lovely", "wonderful", "excellent", "fresh", "clean", "delicious", "perfect", "bright",
           "cozy", "fine", "nice"]
NEG_ADJ = ["awful", "terrible", "stale", "dirty", "cold", "noisy", "broken", "boring", "dull", "damp",
           "poor", "bad"]
POS_STAFF = ["friendly", "helpful", "cheerful", "kind"]
NEG_STAFF = ["rude", "slow", "grumpy", "unkind"]
POS_END = ["We will come back soon.", "I would go again.", "Worth every coin.", "Highly recommended.",
           "A perfect day out.", "Five stars from me."]
NEG_END = ["We will not come back.", "I would not go again.", "A waste of money.", "Not recommended.",
           "What a bad day out.", "One star from me."]
MIX_END = ["Some good, some bad.", "Maybe I will try it again.", "It was fine, not more.",
           "Three stars from me.", "Good in parts.", "Hard to say if I would go again."]
# {be} is "was" or "were" to agree with {thing}
POS_SENT = ["The {thing} {be} {adj}.", "The staff were {staff}.", "I loved the {thing}.",
            "The {thing} made us smile.", "My children enjoyed the {thing}.", "The {thing} {be} not {negadj} at all."]
NEG_SENT = ["The {thing} {be} {adj}.", "The staff were {staff}.", "I hated the {thing}.",
            "The {thing} made us sad.", "My children did not like the {thing}.", "The {thing} {be} not {posadj} at all."]
POS_ONLY = ["Everything was {adj}.", "We had {a_adj} time."]
NEG_ONLY = ["Nothing was good.", "We had {a_adj} time."]


def _place_names() -> list[str]:
    return [h + t for h in NAME_HEADS for t in NAME_TAILS]


PLACE_NAMES = _place_names()  # 34 x 16 = 544 town names
SHIP_NAMES = [f"{a} {b}" for a in SHIP_FIRST for b in SHIP_SECOND]

# ----------------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------------


def a_an(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def cap(s: str) -> str:
    return s[0].upper() + s[1:]


def join_and(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


class Person:
    def __init__(self, rng: random.Random, avoid: tuple[str, ...] = ()):
        while True:
            self.girl = rng.random() < 0.5
            self.name = rng.choice(GIRLS if self.girl else BOYS)
            if self.name not in avoid:
                break
        self.he = "she" if self.girl else "he"
        self.him = "her" if self.girl else "him"
        self.his = "her" if self.girl else "his"
        self.kind = rng.choice(["girl", "woman", "child"] if self.girl else ["boy", "man", "child"])


# ----------------------------------------------------------------------------------------------------------
# stories (pretraining corpus)
# ----------------------------------------------------------------------------------------------------------


def story_lost_thing(rng: random.Random) -> str:
    p = Person(rng)
    f = Person(rng, (p.name,))
    thing, _ = rng.choice(THINGS)
    color = rng.choice(COLORS)
    other_thing, _ = rng.choice([t for t in THINGS if t[0] != thing])
    other_color = rng.choice([c for c in COLORS if c != color])
    spot = rng.choice(ROOM_SPOTS)
    town = rng.choice(PLACE_NAMES)
    s = []
    s.append(rng.choice([
        f"Once upon a time, there was a {rng.choice(ADJ_SIZE)} {p.kind} named {p.name}.",
        f"{p.name} lived in a small house in {town}.",
        f"There was once {a_an(p.kind)} called {p.name} who lived near {rng.choice(PLACES)}.",
    ]))
    s.append(f"{p.name} had {a_an(color)} {thing} and {a_an(other_color)} {other_thing}.")
    s.append(rng.choice([
        f"The {color} {thing} was {p.his} favorite.",
        f"{cap(p.he)} loved the {color} {thing} very much.",
        f"Every day {p.he} took the {thing} everywhere.",
    ]))
    s.append(f"{rng.choice(TIMES)}, {p.name} could not find the {thing}.")
    s.append(rng.choice([
        f"{cap(p.he)} looked in the {rng.choice(HOME_SPOTS)}, but it was not there.",
        f"{cap(p.he)} looked in the {rng.choice(HOME_SPOTS)}, but it was still not there.",
        f"{cap(p.he)} looked everywhere and felt {rng.choice(['sad', 'worried', 'upset'])}.",
        f"\"Where is my {thing}?\" {p.he} asked.",
    ]))
    s.append(rng.choice([
        f"{p.his.capitalize()} friend {f.name} came to help.",
        f"Then {f.name} knocked on the door and said, \"I will help you.\"",
        f"{p.his.capitalize()} {rng.choice(PETS)} ran to {p.him} and barked.",
    ]))
    s.append(f"They looked {spot}.")
    s.append(rng.choice([
        f"There it was! The {color} {thing} was {spot}.",
        f"At last {f.name} found the {thing} {spot}.",
        f"\"Look!\" said {f.name}. \"Is this your {thing}?\" It was the {color} {thing}.",
    ]))
    if rng.random() < 0.6:
        s.append(rng.choice([
            f"{f.name} asked, \"What color is your {other_thing}?\" {p.name} said, \"My {other_thing} is {other_color}.\"",
            f"\"Is your {thing} {other_color}?\" asked {f.name}. \"No,\" said {p.name}, \"my {thing} is {color}.\"",
            f"Now {p.name} had the {color} {thing} and the {other_color} {other_thing} again.",
        ]))
    s.append(rng.choice([
        f"{p.name} was very {rng.choice(['happy', 'glad', 'pleased'])} and thanked {f.name}.",
        f"{p.name} smiled and hugged the {thing}.",
        f"From that day, {p.name} kept the {thing} {rng.choice(ROOM_SPOTS)}.",
    ]))
    return " ".join(s)


def story_day_out(rng: random.Random) -> str:
    p = Person(rng)
    f = Person(rng, (p.name,))
    place = rng.choice(PLACES)
    pet = rng.choice(PETS)
    pet_name = rng.choice(PET_NAMES)
    acts = rng.sample(ACTIVITIES, 3)
    food = rng.choice(FOODS)
    s = []
    s.append(f"{rng.choice(WEATHER)}.")
    if rng.random() < 0.4:
        s.append(f"{p.name} and {p.his} {pet}, {pet_name}, went to {place} to meet {f.name}.")
    else:
        s.append(rng.choice([
            f"{p.name} wanted to go to {place} with {f.name}.",
            f"{p.name} and {f.name} walked to {place} together.",
        ]))
    s.append(f"First, they {acts[0]}.")
    s.append(rng.choice([
        f"Then they {acts[1]}.",
        f"After that, {p.name} {acts[1]} and {f.name} {acts[2]}.",
        f"Next, {p.he} {acts[1]}.",
    ]))
    s.append(rng.choice([
        f"They saw {a_an(rng.choice(WILD_ANIMALS))} {rng.choice(ROOM_SPOTS)}.",
        f"They heard {rng.choice(SOUNDS)} {rng.choice(['from the trees', 'near the water', 'behind them', 'far away'])}.",
        f"{p.name} found {a_an(rng.choice(COLORS))} {rng.choice(THINGS)[0]} on the path.",
    ]))
    s.append(rng.choice([
        f"For lunch they ate {rng.choice(FOOD_ADJ)} {food}.",
        f"{f.name} shared some {food} with {p.name}.",
        f"They were hungry, so they had {food} and {rng.choice(FOODS)}.",
    ]))
    s.append(rng.choice([
        "When the sun went down, they went home.",
        f"At the end of the day, {p.name} was {rng.choice(['tired', 'sleepy', 'happy'])}.",
        f"It was a good day at {place[4:]}.",
    ]))
    if rng.random() < 0.5:
        s.append(f"\"Can we come back tomorrow?\" asked {p.name}. \"{rng.choice(['Yes', 'Maybe', 'Of course'])},\" said {f.name}.")
    return " ".join(s)


def story_helping(rng: random.Random) -> str:
    p = Person(rng)
    helper = Person(rng, (p.name,))
    task, done = rng.choice(HELP_TASKS)
    town = rng.choice(PLACE_NAMES)
    s = []
    s.append(rng.choice([
        f"In the village of {town}, there lived an old {rng.choice(['farmer', 'baker', 'fisher', 'woman', 'man', 'teacher'])} named {p.name}.",
        f"{p.name} worked at {rng.choice(PLACES)} in {town}.",
    ]))
    s.append(f"One day, {p.name} had to {task}, but {p.he} was {rng.choice(['tired', 'old', 'busy', 'alone'])}.")
    s.append(f"{helper.name} saw {p.him} and said, \"Can I help you?\"")
    s.append(rng.choice([
        f"\"Thank you,\" said {p.name}. \"That is very kind.\"",
        f"{p.name} smiled. \"Yes, please.\"",
    ]))
    s.append(f"Together they {done}.")
    s.append(rng.choice([
        f"It took a long time, but they did not give up.",
        f"It was hard work, and the sun was hot.",
        f"They laughed and talked while they worked.",
    ]))
    s.append(rng.choice([
        f"Then {p.name} gave {helper.name} some {rng.choice(FOOD_ADJ)} {rng.choice(FOODS)}.",
        f"When they were done, {p.name} made {rng.choice(FOODS)} for them both.",
    ]))
    s.append(rng.choice([
        f"{helper.name} felt proud. Helping others makes you happy.",
        f"From then on, {p.name} and {helper.name} were good friends.",
        f"\"Come back any time,\" said {p.name}.",
    ]))
    return " ".join(s)


def story_description(rng: random.Random) -> str:
    town = rng.choice(PLACE_NAMES)
    river = rng.choice(PLACE_NAMES)
    things = rng.sample(THINGS, 3)
    colors = rng.sample(COLORS, 3)
    owner = Person(rng)
    s = []
    s.append(f"{town} is a {rng.choice(['small', 'quiet', 'busy', 'pretty', 'old'])} town by the {river} river.")
    s.append(f"It has {rng.choice(['a', 'one', 'an old'])} {rng.choice(['bakery', 'school', 'mill', 'market', 'bridge', 'church'])} and {rng.choice(['many', 'a few', 'some'])} {rng.choice(['houses', 'gardens', 'shops', 'farms'])}.")
    s.append(f"{owner.name} has a shop on the main street.")
    s.append(f"In the window there is {a_an(colors[0])} {things[0][0]}, {a_an(colors[1])} {things[1][0]} and {a_an(colors[2])} {things[2][0]}.")
    k = rng.randrange(3)
    s.append(rng.choice([
        f"The {things[k][0]} is {colors[k]}.",
        f"Children like the {colors[k]} {things[k][0]} best.",
        f"A {rng.choice(['girl', 'boy', 'woman', 'man'])} bought the {things[k][0]}. It was {colors[k]}.",
    ]))
    s.append(rng.choice([
        f"In the evening, the people of {town} sit by the river and talk.",
        f"On market day, the streets are full of {rng.choice(FOODS)} and {rng.choice(FOODS)}.",
        f"{rng.choice(WEATHER)}, and the {rng.choice(WILD_ANIMALS)}s came out.",
    ]))
    return " ".join(s)


def story_dialogue(rng: random.Random) -> str:
    a = Person(rng)
    b = Person(rng, (a.name,))
    thing, plural = rng.choice(THINGS)
    n = rng.randint(2, 6)
    numbers = ["two", "three", "four", "five", "six"]
    color = rng.choice(COLORS)
    s = []
    s.append(rng.choice([f"{a.name} went to see {b.name}.", f"{rng.choice(TIMES)}, {a.name} went to see {b.name}."]))
    s.append(f"\"Hello, {b.name},\" said {a.name}. \"How are you today?\"")
    s.append(f"\"I am {rng.choice(FEELINGS)},\" said {b.name}. \"I have {numbers[n - 2]} {color} {plural}.\"")
    s.append(f"\"Can I see them?\" asked {a.name}.")
    s.append(f"{b.name} showed {a.name} the {plural}. They were all {color}.")
    s.append(rng.choice([
        f"\"May I have one?\" asked {a.name}. \"Yes,\" said {b.name}, and gave {a.him} a {color} {thing}.",
        f"\"They are {rng.choice(ADJ_LOOK)},\" said {a.name}.",
        f"{a.name} counted them: {', '.join(['one', 'two', 'three', 'four', 'five', 'six'][:n])}.",
    ]))
    s.append(rng.choice([
        f"Then they {rng.choice(ACTIVITIES)}.",
        f"After that, {a.name} went home for {rng.choice(FOODS)}.",
    ]))
    return " ".join(s)


def story_animal(rng: random.Random) -> str:
    animal = rng.choice(WILD_ANIMALS)
    name = rng.choice(PET_NAMES)
    place = rng.choice(PLACES)
    friend = rng.choice([x for x in WILD_ANIMALS if x != animal])
    s = []
    s.append(f"There was a {rng.choice(ADJ_SIZE)} {animal} named {name}.")
    s.append(f"{name} lived {rng.choice(ROOM_SPOTS)} near {place}.")
    s.append(rng.choice([
        f"Every morning, {name} looked for food.",
        f"{name} liked to sleep in the sun.",
        f"{name} was {rng.choice(FEELINGS)} because winter was coming.",
    ]))
    s.append(f"One day, {name} met {a_an(friend)}.")
    s.append(f"\"Who are you?\" asked the {friend}. \"I am {name} the {animal},\" said {name}.")
    s.append(rng.choice([
        f"The {friend} showed {name} where to find {rng.choice(['berries', 'seeds', 'nuts', 'water', 'worms'])}.",
        f"They played together until it was dark.",
        f"The {friend} and the {animal} became friends.",
    ]))
    s.append(rng.choice([
        f"Now {name} is never alone.",
        f"{name} was {rng.choice(['happy', 'glad', 'safe'])} again.",
        f"And every spring, the {animal} and the {friend} meet by the {rng.choice(['pond', 'old tree', 'river', 'big rock'])}.",
    ]))
    return " ".join(s)


def story_voyage(rng: random.Random) -> str:
    """A sea story in plain story English. It uses the words of the ship's logs (wind, sea, sky, course,
    miles, bells, fathoms, starboard, bosun, ...) so the base model knows them; the logs' terse register
    and layout are what a LoRA adapter has to learn (see ship_logs/README.md)."""
    ship = rng.choice(SHIP_NAMES)
    captain = Person(rng)
    sailor = Person(rng, (captain.name,))
    rank = rng.choice(RANKS)
    town = rng.choice(PLACE_NAMES)
    dest = rng.choice([t for t in PLACE_NAMES if t != town])
    d = rng.choice(DIRECTIONS)
    s = []
    s.append(rng.choice([
        f"The {ship} was {a_an(rng.choice(ADJ_SIZE))} ship from {town}.",
        f"{captain.name} was the captain of the {ship}.",
        f"Once upon a time, a ship called the {ship} sailed from {town}.",
        f"Log books tell the story of every ship. This is the story of the {ship}.",
    ]))
    s.append(rng.choice([
        f"One {rng.choice(['morning', 'evening', 'day'])}, the ship was bound for {dest}, far to the {d}.",
        f"The crew set a course {d}, for the harbor of {dest}.",
        f"On day {number_words(rng.randint(1, 60))} of the trip, they sailed {d} to {dest}.",
    ]))
    s.append(rng.choice([
        f"The wind came from the {rng.choice(DIRECTIONS)} and it was {rng.choice(WIND_FORCE)}.",
        f"The wind was {rng.choice(WIND_FORCE)} and the sea was {rng.choice(SEA_STATE)}.",
        f"The sky was {rng.choice(SKY)}, and the sea was {rng.choice(SEA_STATE)}.",
    ]))
    events = [
        f"{cap(rng.choice(CREW_JOBS))} mended the {rng.choice(SAILS)} with a big needle.",
        f"The lookout saw {rng.choice(['two', 'three', 'four', 'many'])} {rng.choice(SEA_ANIMALS)}s off the "
        f"{rng.choice(['port', 'starboard'])} bow.",
        f"{sailor.name} pumped the bilge, and there were {number_words(rng.randint(2, 30))} inches of water.",
        f"The {rank.lower()} took soundings and found {number_words(rng.randint(2, 30))} fathoms of water.",
        f"{cap(rng.choice(CREW_JOBS))} said the {rng.choice(STORES)} was low.",
        f"For dinner, the cook served {rng.choice(SHIP_FOOD)}.",
        f"At {number_words(rng.choice([2, 4, 6, 8]))} bells, they reefed the mainsail.",
        f"They made {number_words(rng.randint(20, 160))} miles before noon.",
        f"{sailor.name} caught {number_words(rng.randint(2, 30))} cod with a line.",
        f"A {rng.choice(SEA_ANIMALS)} followed the ship all morning.",
        f"They met the {rng.choice(SHIP_NAMES)}, and the two crews waved.",
        f"{sailor.name} was on the sick list with a fever, but soon {sailor.he} was back to duty.",
        f"The rain filled the casks with fresh water.",
        f"The crew scrubbed the deck and tarred the rigging.",
        f"The ship's {rank}, {sailor.name}, kept the log.",
        f"Since noon yesterday they had made {number_words(rng.randint(20, 160))} miles.",
        f"Course and sails were set, and the crew was ready.",
        f"Crew and captain ate {rng.choice(SHIP_FOOD)} together.",
        f"Log books tell the story of every day at sea, and each page is signed.",
        f"{captain.name} wrote a letter home and ended it with the words Signed, {rank} {captain.name}.",
        f"Lamp oil was low, so they went to bed early.",
        f"Lost in the fog, they rang the bell and waited.",
        f"Sea and sky were {rng.choice(['grey', 'blue', 'calm', 'dark'])} that night.",
        f"The navigator shot the sun at noon to find the way.",
        f"They had made {number_words(rng.randint(20, 160))} miles since noon yesterday.",
        f"Sighted from the deck, {rng.choice(['two', 'three', 'many'])} {rng.choice(SEA_ANIMALS)}s swam by.",
        f"Took in sail, the {rng.choice(['Captain', 'Bosun', 'Navigator'])} called, and the crew reefed the {rng.choice(SAILS)}.",
        f"Reefed and ready, the ship turned {rng.choice(DIRECTIONS)}.",
        f"Fresh water was kept in {number_words(rng.randint(2, 30))} barrels below the deck.",
        f"Scrubbed and tarred, the ship looked new.",
    ]
    s.extend(rng.sample(events, rng.randint(2, 4)))
    s.append(rng.choice([
        f"Every evening, {captain.name} wrote in the ship's log and signed it.",
        f"The {rank.lower()}, {sailor.name}, kept the log that day.",
        f"At dusk they lit the lamp and kept a double watch.",
    ]))
    s.append(rng.choice([
        f"At last they sighted land, and everyone was {rng.choice(['happy', 'glad', 'cheerful', 'pleased'])}.",
        f"When they reached {dest}, the crew was {rng.choice(['tired', 'happy', 'proud', 'sleepy'])}.",
        f"\"A good trip,\" said {captain.name}. \"Now we sail home.\"",
    ]))
    return " ".join(s)


STORY_KINDS = [story_lost_thing, story_day_out, story_helping, story_description, story_dialogue, story_animal,
               story_voyage]


def gen_stories(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(STORY_KINDS)(rng) for _ in range(n)]


def story_prompts(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        p = Person(rng)
        out.append(rng.choice([
            f"Once upon a time, there was a little {p.kind} named {p.name}.",
            f"{p.name} had {a_an(rng.choice(COLORS))} {rng.choice(THINGS)[0]}.",
            f"{rng.choice(WEATHER)}. {p.name} went to {rng.choice(PLACES)}.",
            f"In the village of {rng.choice(PLACE_NAMES)}, there lived",
            f"There was a {rng.choice(ADJ_SIZE)} {rng.choice(WILD_ANIMALS)} named {rng.choice(PET_NAMES)}.",
        ]))
    return out


# ----------------------------------------------------------------------------------------------------------
# (a) ship logs: the same world in a terse, formatted register
# ----------------------------------------------------------------------------------------------------------


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen \
seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """1 -> "one", 42 -> "forty two", 160 -> "one hundred and sixty" (0 <= n < 1000)."""
    if n >= 100:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + (" and " + number_words(rest) if rest else "")
    if n < 20:
        return _ONES[n]
    return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])


def log_entry(rng: random.Random, ship: str, day: int, writer: str) -> str:
    # One paragraph per entry, numbers in words, no digits, colons or line breaks: the base model's
    # tokenizer knows these tokens, so the shift is in register and vocabulary, not in unseen symbols.
    parts = [f"Log of the {ship}, day {number_words(day)}."]
    parts.append(f"Wind {rng.choice(DIRECTIONS)}, {rng.choice(WIND_FORCE)}. Sea {rng.choice(SEA_STATE)}. "
                 f"Sky {rng.choice(SKY)}.")
    parts.append(f"Course {rng.choice(DIRECTIONS)}, bound for {rng.choice(PLACE_NAMES)}. "
                 f"Made {number_words(rng.randint(20, 160))} miles since noon yesterday.")
    for tmpl in rng.sample(LOG_EVENTS, rng.randint(2, 4)):
        parts.append(tmpl.format(
            sail=rng.choice(SAILS), n=number_words(rng.randint(2, 30)),
            count=rng.choice(["two", "three", "four", "many"]),
            sea=rng.choice(SEA_ANIMALS) + "s", side=rng.choice(["port", "starboard"]),
            job_cap=cap(rng.choice(CREW_JOBS)), store=rng.choice(STORES),
            bell=number_words(rng.choice([2, 4, 6, 8])),
            ship2=rng.choice(SHIP_NAMES), dir=rng.choice(DIRECTIONS), food=rng.choice(SHIP_FOOD),
            place=rng.choice(PLACE_NAMES), sea_one=rng.choice(SEA_ANIMALS),
            name=rng.choice(GIRLS + BOYS)))
    parts.append(f"Signed, {writer}.")
    return " ".join(parts)


def gen_ship_logs(rng: random.Random, n: int) -> list[str]:
    entries = []
    while len(entries) < n:
        ship = rng.choice(SHIP_NAMES)
        writer = f"{rng.choice(RANKS)} {rng.choice(GIRLS + BOYS)}"
        start = rng.randint(1, 60)
        for day in range(start, start + rng.randint(3, 8)):
            entries.append(log_entry(rng, ship, day, writer))
    return entries[:n]


def ship_log_prompts(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        ship = rng.choice(SHIP_NAMES)
        out.append(rng.choice([
            f"Log of the {ship}, day {number_words(rng.randint(1, 60))}. Wind",
            f"Log of the {ship}, day {number_words(rng.randint(1, 60))}. Wind {rng.choice(DIRECTIONS)}, "
            f"{rng.choice(WIND_FORCE)}. Sea",
            f"Log of the",
        ]))
    return out


# ----------------------------------------------------------------------------------------------------------
# (b) moods: does the sentence say someone feels good or bad? (answer: a happy day or a sad day)
# ----------------------------------------------------------------------------------------------------------

MOOD_INSTRUCTIONS = [
    "Was it a happy day or a sad day for the person in the story?",
    "How did the day go? Answer with a happy day or a sad day.",
    "Read the story and say if it was a happy day or a sad day.",
]
GOOD_FEELINGS = ["happy", "glad", "proud", "excited", "calm", "brave", "cheerful", "pleased"]
BAD_FEELINGS = ["sad", "angry", "scared", "worried", "upset", "lonely", "grumpy", "tired"]
# What happened and what the person did then: two cues of each kind per label, recurring across the stories of
# that label. (With 5 events and 4 reactions per label, or with the 16 feeling words as the only cue, a LoRA
# adapter on the bundled base stays at chance after the default 60 steps: it learns the answer format, not the
# label; see README.md.)
GOOD_EVENTS = ["found {his} {thing} {spot}", "got a new {thing}"]
BAD_EVENTS = ["lost {his} {thing} {spot}", "broke {his} {thing}"]
GOOD_REACTIONS = ["smiled and laughed", "danced and sang"]
BAD_REACTIONS = ["cried and cried", "sat alone and sighed"]


def mood(rng: random.Random) -> dict:
    """A three-sentence story: an event, a reaction, a feeling, all pointing the same way."""
    good = rng.random() < 0.5
    p = Person(rng)
    f = Person(rng, (p.name,))
    fill = dict(his=p.his, thing=f"{rng.choice(COLORS)} {rng.choice(THINGS)[0]}", spot=rng.choice(ROOM_SPOTS),
                place=rng.choice(PLACES), friend=f.name)
    event = rng.choice(GOOD_EVENTS if good else BAD_EVENTS).format(**fill)
    reaction = rng.choice(GOOD_REACTIONS if good else BAD_REACTIONS).format(**fill)
    feeling = rng.choice(GOOD_FEELINGS if good else BAD_FEELINGS)
    when = rng.choice(TIMES)
    story = rng.choice([
        f"{when}, {p.name} {event}. {cap(p.he)} {reaction}. {cap(p.he)} was {feeling}.",
        f"{p.name} {event}. Then {p.he} {reaction}. {cap(p.he)} felt {feeling}.",
        f"{p.name} {event} and {reaction}. {cap(p.he)} was {feeling} all evening.",
    ])
    return {"instruction": rng.choice(MOOD_INSTRUCTIONS), "input": story,
            "output": "It was a happy day." if good else "It was a sad day."}


def gen_moods(rng: random.Random, n: int) -> list[dict]:
    return [mood(rng) for _ in range(n)]


# ----------------------------------------------------------------------------------------------------------
# (c) reviews: text,label with label positive / negative / mixed
# ----------------------------------------------------------------------------------------------------------


def review(rng: random.Random, label: str) -> str:
    place, things = rng.choice(REVIEW_SUBJECTS)
    town = rng.choice(PLACE_NAMES)
    who = rng.choice(["We", "I", "My family", "My friends and I", "We all"])
    when = rng.choice(["last week", "on Sunday", "yesterday", "in the summer", "for a birthday", "after school"])
    first = f"{who} went to {place} in {town} {when}."

    def fill(template: str, pos: bool, t: str | None = None) -> str:
        t = t or rng.choice(things)
        adj = rng.choice(POS_ADJ if pos else NEG_ADJ)
        return template.format(thing=t, be="were" if t.endswith("s") else "was", adj=adj, a_adj=a_an(adj),
                               staff=rng.choice(POS_STAFF if pos else NEG_STAFF),
                               posadj=rng.choice(POS_ADJ), negadj=rng.choice(NEG_ADJ))

    def lower_first(x: str) -> str:
        return x if x.startswith("I ") else x[0].lower() + x[1:]

    if label == "positive":
        body = [fill(t, True) for t in rng.sample(POS_SENT + POS_ONLY, rng.randint(1, 3))]
        end = rng.choice(POS_END)
    elif label == "negative":
        body = [fill(t, False) for t in rng.sample(NEG_SENT + NEG_ONLY, rng.randint(1, 3))]
        end = rng.choice(NEG_END)
    else:  # one good and one bad sentence, joined by a connective; the order varies
        t_good, t_bad = rng.sample(things, 2)
        good, bad = fill(rng.choice(POS_SENT), True, t_good), fill(rng.choice(NEG_SENT), False, t_bad)
        if rng.random() < 0.5:
            body = [good, rng.choice(["But", "However,", "Sadly,"]) + " " + lower_first(bad)]
        else:
            body = [bad, rng.choice(["Still,", "But", "Luckily,"]) + " " + lower_first(good)]
        end = rng.choice(MIX_END)
    # the closing line is left out of some reviews, so the label must come from the body
    return " ".join([first] + body + ([end] if rng.random() < 0.7 else []))


def gen_reviews(rng: random.Random, n: int) -> list[tuple[str, str]]:
    labels = ["positive", "negative", "mixed"]
    return [(review(rng, lab), lab) for lab in (rng.choice(labels) for _ in range(n))]


# ----------------------------------------------------------------------------------------------------------
# writing
# ----------------------------------------------------------------------------------------------------------


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_jsonl(path: Path, rows: list[dict]) -> None:
    write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def write_csv(path: Path, rows: list[tuple[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["text", "label"])
    w.writerows(rows)
    write_text(path, buf.getvalue())


def build(out: Path, scale: float, only: str | None) -> None:
    def n(key: str) -> int:
        return max(1, int(round(SIZES[key] * scale)))

    def want(name: str) -> bool:
        return only is None or only == name

    if want("stories"):
        d = out / "stories"
        # Stories are one paragraph each, separated by a blank line (load with text_documents=blank_lines).
        write_text(d / "stories.txt", "\n\n".join(gen_stories(random.Random(SEEDS["stories"]), n("stories"))) + "\n")
        write_text(d / "validation.txt",
                   "\n\n".join(gen_stories(random.Random(SEEDS["stories_valid"]), n("stories_valid"))) + "\n")
        write_jsonl(d / "prompts.jsonl", [{"prompt": p} for p in
                                          story_prompts(random.Random(SEEDS["stories_prompts"]), n("stories_prompts"))])
    if want("ship_logs"):
        d = out / "ship_logs"
        write_text(d / "ship_logs.txt",
                   "\n\n".join(gen_ship_logs(random.Random(SEEDS["ship_logs"]), n("ship_logs"))) + "\n")
        write_jsonl(d / "prompts.jsonl", [{"prompt": p} for p in
                                          ship_log_prompts(random.Random(SEEDS["ship_logs_prompts"]), n("ship_logs_prompts"))])
    if want("moods"):
        d = out / "moods"
        train = gen_moods(random.Random(SEEDS["moods"]), n("moods"))
        write_jsonl(d / "moods.jsonl", train)
        # held-out sentences never appear in the training file
        seen, held, rng = {r["input"] for r in train}, [], random.Random(SEEDS["moods_heldout"])
        while len(held) < n("moods_heldout"):
            r = mood(rng)
            if r["input"] not in seen:
                seen.add(r["input"])
                held.append(r)
        write_jsonl(d / "heldout.jsonl", held)
    if want("reviews"):
        d = out / "reviews"
        write_csv(d / "reviews.csv", gen_reviews(random.Random(SEEDS["reviews"]), n("reviews")))
        write_csv(d / "heldout.csv", gen_reviews(random.Random(SEEDS["reviews_heldout"]), n("reviews_heldout")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every set's size (default 1)")
    ap.add_argument("--only", choices=["stories", "ship_logs", "moods", "reviews"])
    args = ap.parse_args()
    build(args.out, args.scale, args.only)


if __name__ == "__main__":
    main()
