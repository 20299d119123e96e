"""The ready-made journeys' content: timing and blocks once, words in English and French.

Each journey is a dict of Journey fields plus ``steps``: (Step fields, English words,
French words), where words are a subject, a preheader and the body's blocks. ``offer`` is
the primary key (as a string) of the voucher offer personal-offer blocks issue from.
"""

NAME = '{{ first_name|default:"friend" }}'
PRENOM = '{{ first_name|default:"cher client" }}'


def heading(text):
    return ("heading", text)


def text(html):
    return ("text", html)


def button(label, url):
    return ("button", {"text": label, "url": url})


def grid(source, heading_text="", max_products=3, button_text=""):
    return ("product_grid", {"heading": heading_text, "source": source, "products": [], "category": None,
                             "max_products": max_products, "columns": str(min(max_products, 3)),
                             "button_text": button_text})


def offer_block(offer, intro, valid_days):
    return ("personal_offer", {"offer": offer, "valid_days": valid_days, "text": intro})


def rating(question, low, high):
    return ("rating", {"question": question, "low_label": low, "high_label": high})


def section(stage, blocks):
    return ("stage_section", {"stage": stage, "content": blocks})


def words(subject, preheader, body):
    return {"subject": subject, "preheader": preheader, "body": body}


def account_ready(offer):
    # Relational: every new account hears that it is ready, consent or not; news and offers are
    # the welcome series' (marketing), which waits for consent where the shop's rule asks for it.
    return {
        "key": "account_ready", "topic": "", "name": "Your account is ready", "trigger": "registration",
        "audience": "all", "reentry": "once", "goal": "", "category": "relational",
        "steps": [
            ({"delay_days": 0}, words(
                "Your account at {{ shop_name }} is ready", "Sign in to follow your orders.",
                [heading(f"Hello {NAME},"),
                 text("<p>Your account at {{ shop_name }} is ready. Sign in with this address to follow "
                      "your orders, keep your addresses and check out faster.</p>"),
                 button("My account", "/accounts/")],
            ), words(
                "Votre compte chez {{ shop_name }} est prêt", "Connectez-vous pour suivre vos commandes.",
                [heading(f"Bonjour {PRENOM},"),
                 text("<p>Votre compte chez {{ shop_name }} est prêt. Connectez-vous avec cette adresse pour "
                      "suivre vos commandes, enregistrer vos adresses et commander plus vite.</p>"),
                 button("Mon compte", "/accounts/")],
            )),
        ],
    }


def new_members(offer):
    return {
        "key": "new_members", "topic": "news", "name": "Welcome and first month", "trigger": "registration",
        "audience": "prospects", "reentry": "once", "goal": "order_placed", "category": "marketing",
        "steps": [
            ({"delay_days": 0}, words(
                f"Welcome to {{{{ shop_name }}}}, {NAME}!", "Glad to have you with us.",
                # Thanks, and what to expect: the sources are explicit that a welcome does not push
                # products; they come from the second email on.
                [heading(f"Welcome, {NAME}!"),
                 text("<p>Thank you for joining {{ shop_name }}: we are glad to have you with us.</p>"
                      "<p>Now and then we will write with news from the shop, ideas and offers. How often, "
                      "and about what, is yours to choose from the link at the foot of every email.</p>"),
                 button("Visit the shop", "/catalogue/")],
            ), words(
                f"Bienvenue chez {{{{ shop_name }}}}, {PRENOM} !", "Ravis de vous compter parmi nous.",
                [heading(f"Bienvenue, {PRENOM} !"),
                 text("<p>Merci de votre inscription chez {{ shop_name }} : nous sommes ravis de vous "
                      "compter parmi nous.</p><p>De temps en temps, nous vous écrirons pour vous donner des "
                      "nouvelles de la boutique, des idées et des offres. À quel rythme et sur quels sujets : "
                      "c'est vous qui choisissez, depuis le lien en bas de chaque e-mail.</p>"),
                 button("Découvrir la boutique", "/catalogue/")],
            )),
            ({"delay_days": 7, "condition": "not_ordered_since_enrollment"}, words(
                "Our customers' favourites this week", "A few ideas to start with.",
                [heading("Not sure where to start?"),
                 text("<p>These are the products our customers order again and again.</p>"),
                 grid("best_sellers", max_products=6), button("See everything", "/catalogue/")],
            ), words(
                "Les préférés de nos clients cette semaine", "Quelques idées pour commencer.",
                [heading("Vous hésitez ?"),
                 text("<p>Voici les produits que nos clients commandent encore et encore.</p>"),
                 grid("best_sellers", max_products=6), button("Tout voir", "/catalogue/")],
            )),
            ({"delay_days": 7, "condition": "not_ordered_since_enrollment"}, words(
                "How we pack and deliver", "Secure payment, careful packing, easy returns.",
                [heading("Ordering from us is easy"),
                 text("<ul><li>Secure payment</li><li>Orders packed with care and shipped quickly</li>"
                      "<li>Returns accepted within 14 days</li></ul>"
                      "<p>A question? Just reply to this email.</p>"),
                 button("Start shopping", "/catalogue/")],
            ), words(
                "Comment nous emballons et livrons", "Paiement sécurisé, emballage soigné, retours faciles.",
                [heading("Commander chez nous, c'est simple"),
                 text("<ul><li>Paiement sécurisé</li><li>Commandes emballées avec soin et expédiées vite</li>"
                      "<li>Retours acceptés sous 14 jours</li></ul>"
                      "<p>Une question ? Répondez simplement à cet e-mail.</p>"),
                 button("Commencer mes achats", "/catalogue/")],
            )),
            ({"delay_days": 7, "condition": "not_ordered_since_enrollment"}, words(
                f"A welcome gift for you, {NAME}", "Your first order, a little cheaper.",
                [heading("A gift for your first order"),
                 offer_block(offer, "<p>Use this code at checkout:</p>", 10),
                 button("Use my gift", "/catalogue/")],
            ), words(
                f"Un cadeau de bienvenue pour vous, {PRENOM}", "Votre première commande, un peu moins chère.",
                [heading("Un cadeau pour votre première commande"),
                 offer_block(offer, "<p>Saisissez ce code au moment de payer :</p>", 10),
                 button("Profiter de mon cadeau", "/catalogue/")],
            )),
            ({"delay_days": 7, "condition": "not_ordered_since_enrollment"}, words(
                "Your welcome gift ends soon", "Three days left to use your code.",
                [heading(f"Three days left, {NAME}"),
                 offer_block(offer, "<p>Your code is still waiting for you:</p>", 10),
                 button("Use my gift", "/catalogue/")],
            ), words(
                "Votre cadeau de bienvenue expire bientôt", "Plus que trois jours pour utiliser votre code.",
                [heading(f"Plus que trois jours, {PRENOM}"),
                 offer_block(offer, "<p>Votre code vous attend toujours :</p>", 10),
                 button("Profiter de mon cadeau", "/catalogue/")],
            )),
        ],
    }


def abandoned_basket(offer):
    def reminder(intro_en, intro_fr, extra_en=(), extra_fr=()):
        english = [heading(intro_en), ("basket_lines", None),
                   section("basket", [text("<p>Your basket is saved: pick up where you left off.</p>")]),
                   section("checkout", [text("<p>Paying is secure, delivery is quick and returns are "
                                             "free for 14 days.</p>")]),
                   *extra_en, button("Back to my basket", "/basket/")]
        french = [heading(intro_fr), ("basket_lines", None),
                  section("basket", [text("<p>Votre panier est sauvegardé : reprenez où vous en étiez.</p>")]),
                  section("checkout", [text("<p>Le paiement est sécurisé, la livraison rapide et les "
                                            "retours gratuits pendant 14 jours.</p>")]),
                  *extra_fr, button("Retrouver mon panier", "/basket/")]
        return english, french

    first = reminder("You left something behind", "Vous avez oublié quelque chose")
    second = reminder("Still thinking it over?", "Toujours en réflexion ?")
    last = reminder("Last call for your basket", "Dernier rappel pour votre panier",
                    [offer_block(offer, "<p>To help you decide, a little something:</p>", 3)],
                    [offer_block(offer, "<p>Pour vous aider à vous décider, un petit geste :</p>", 3)])
    return {
        "key": "abandoned_basket", "topic": "recommendations", "name": "Abandoned basket", "trigger": "abandoned_basket",
        "trigger_settings": {"idle_minutes": 60}, "audience": "all", "reentry": "always",
        "goal": "order_placed", "category": "marketing",
        "steps": [
            ({"delay_hours": 0}, words("Your basket is waiting for you", "It's all still there.", first[0]),
             words("Votre panier vous attend", "Tout y est encore.", first[1])),
            ({"delay_hours": 23}, words("Still thinking it over?", "Your basket is saved.", second[0]),
             words("Toujours en réflexion ?", "Votre panier est sauvegardé.", second[1])),
            ({"delay_hours": 48}, words("A little something for your basket", "A personal code, for 3 days.",
                                        last[0]),
             words("Un petit geste pour votre panier", "Un code personnel, valable 3 jours.", last[1])),
        ],
    }


def browse_abandonment(offer):
    return {
        "key": "browse_abandonment", "topic": "recommendations", "name": "Browse abandonment", "trigger": "browse_abandonment",
        "audience": "all", "reentry": "always", "goal": "order_placed", "category": "marketing",
        "steps": [
            # No name and no word about the reader's gender: "Toujours intéressé(e), cher client ?"
            # mixed two forms in four words. The product is what the email talks about.
            ({"delay_hours": 0}, words(
                "Still thinking about it?", "The product you looked at, and a few more.",
                [heading("Did this catch your eye?"),
                 text("<p>The product you looked at is still here, waiting for you.</p>"),
                 grid("viewed", max_products=1, button_text="Take another look"),
                 grid("recommendations", "You may also like")],
            ), words(
                "Le produit que vous avez regardé vous attend", "Revoyez-le, et découvrez-en quelques autres.",
                [heading("Il vous a tapé dans l'œil ?"),
                 text("<p>Le produit que vous avez regardé est toujours là, il vous attend.</p>"),
                 grid("viewed", max_products=1, button_text="Le revoir"),
                 grid("recommendations", "Vous aimerez peut-être aussi")],
            )),
        ],
    }


def after_the_order(offer):
    return {
        "key": "after_the_order", "topic": "recommendations", "name": "After the order: cross-sell and up-sell", "trigger": "order_placed",
        # A customer who orders every week gets the series once in two months, not every week.
        "audience": "all", "reentry": "always", "reentry_after_days": 60, "goal": "", "category": "marketing",
        "steps": [
            ({"delay_days": 3}, words(
                "Goes well with your order", "Picked for you.",
                [heading(f"Enjoying your order, {NAME}?"),
                 text("<p>Customers who chose the same also liked these.</p>"), grid("recommendations")],
            ), words(
                "Pour aller avec votre commande", "Choisis pour vous.",
                [heading(f"Votre commande vous plaît, {PRENOM} ?"),
                 text("<p>Les clients qui ont fait le même choix ont aussi aimé :</p>"), grid("recommendations")],
            )),
            ({"delay_days": 11}, words(
                "Ready for the next step?", "A step up from what you chose.",
                [heading("Ready for the next step?"),
                 text("<p>If you liked your last order, these might please you even more.</p>"), grid("upsell")],
            ), words(
                "Envie d'aller plus loin ?", "Un cran au-dessus de votre choix.",
                [heading("Envie d'aller plus loin ?"),
                 text("<p>Si votre commande vous a plu, ceux-ci pourraient vous plaire encore plus.</p>"),
                 grid("upsell")],
            )),
        ],
    }


def satisfaction(offer):
    return {
        "key": "satisfaction", "topic": "", "name": "How was your order?", "trigger": "order_status",
        "audience": "all", "reentry": "always", "goal": "", "category": "relational",
        "steps": [
            ({"delay_days": 1}, words(
                "How was your order?", "One click to tell us.",
                [heading(f"Hello {NAME},"), text("<p>Your order has arrived. How did we do?</p>"),
                 rating("Your rating, from 1 to 5", "Disappointed", "Delighted")],
            ), words(
                "Votre commande vous a-t-elle plu ?", "Un clic pour nous le dire.",
                [heading(f"Bonjour {PRENOM},"), text("<p>Votre commande est arrivée. Qu'en avez-vous pensé ?</p>"),
                 rating("Votre note, de 1 à 5", "Décevant", "Parfait")],
            )),
        ],
    }


def winback(offer):
    return {
        "key": "winback", "topic": "offers", "name": "Win-back", "trigger": "winback", "trigger_settings": {"days_inactive": 90},
        "audience": "customers", "reentry": "always", "goal": "order_placed", "category": "marketing",
        "steps": [
            ({"delay_days": 0}, words(
                f"We miss you, {NAME}", "Here is what's new.",
                [heading("It's been a while!"), text("<p>Here is what our customers love right now.</p>"),
                 grid("best_sellers"), button("See what's new", "/catalogue/")],
            ), words(
                f"Vous nous manquez, {PRENOM}", "Voici les nouveautés.",
                [heading("Cela fait longtemps !"), text("<p>Voici ce que nos clients adorent en ce moment.</p>"),
                 grid("best_sellers"), button("Voir les nouveautés", "/catalogue/")],
            )),
            ({"delay_days": 7}, words(
                "How often should we write?", "Every email, once a week, once a month, or a break.",
                [heading("Too many emails?"),
                 text("<p>Tell us how often you want to hear from us: every email, once a week, "
                      "once a month, or a three-month break.</p>"),
                 button("Choose how often", "{{ frequency_url }}")],
            ), words(
                "À quel rythme souhaitez-vous nos e-mails ?", "À chaque envoi, chaque semaine, chaque mois, ou une pause.",
                [heading("Trop d'e-mails ?"),
                 text("<p>Dites-nous à quel rythme vous souhaitez nous lire : à chaque envoi, une fois "
                      "par semaine, une fois par mois, ou une pause de trois mois.</p>"),
                 button("Choisir mon rythme", "{{ frequency_url }}")],
            )),
            ({"delay_days": 7}, words(
                "A last gift before we say goodbye", "A personal code, for 14 days.",
                [heading("One last thing"),
                 text("<p>Without news from you, this is our last email. Before that, a gift:</p>"),
                 offer_block(offer, "", 14), button("Use my gift", "/catalogue/")],
            ), words(
                "Un dernier cadeau avant de nous quitter", "Un code personnel, valable 14 jours.",
                [heading("Une dernière chose"),
                 text("<p>Sans nouvelles de votre part, ce sera notre dernier e-mail. Avant cela, un cadeau :</p>"),
                 offer_block(offer, "", 14), button("Profiter de mon cadeau", "/catalogue/")],
            )),
        ],
    }


def birthday(offer):
    return {
        "key": "birthday", "topic": "offers", "name": "Birthday", "trigger": "birthday", "trigger_settings": {"local_hour": 9},
        "audience": "all", "reentry": "always", "goal": "", "category": "marketing",
        "steps": [
            ({"delay_days": 0}, words(
                f"Happy birthday, {NAME}!", "A present from {{ shop_name }}.",
                [heading(f"Happy birthday, {NAME}!"), offer_block(offer, "<p>Our present to you:</p>", 30),
                 button("Treat yourself", "/catalogue/")],
            ), words(
                f"Joyeux anniversaire, {PRENOM} !", "Un cadeau de {{ shop_name }}.",
                [heading(f"Joyeux anniversaire, {PRENOM} !"), offer_block(offer, "<p>Notre cadeau :</p>", 30),
                 button("Me faire plaisir", "/catalogue/")],
            )),
        ],
    }


def order_anniversary(offer):
    return {
        "key": "order_anniversary", "topic": "news", "name": "Anniversary of the first order", "trigger": "order_anniversary",
        "audience": "customers", "reentry": "always", "goal": "", "category": "marketing",
        "steps": [
            ({"delay_days": 0}, words(
                "A year together!", "Thank you for your trust.",
                [heading(f"Thank you, {NAME}!"),
                 text("<p>A year ago today, you placed your first order with {{ shop_name }}. Thank you!</p>"),
                 grid("best_sellers"), button("Visit the shop", "/catalogue/")],
            ), words(
                "Un an déjà !", "Merci pour votre confiance.",
                [heading(f"Merci, {PRENOM} !"),
                 text("<p>Il y a un an jour pour jour, vous passiez votre première commande chez "
                      "{{ shop_name }}. Merci !</p>"),
                 grid("best_sellers"), button("Visiter la boutique", "/catalogue/")],
            )),
        ],
    }


def loyalty(offer):
    return {
        "key": "loyalty", "topic": "offers", "name": "Loyalty: third order", "trigger": "loyalty",
        "trigger_settings": {"order_count": 3}, "audience": "customers", "reentry": "always", "goal": "",
        "category": "marketing",
        "steps": [
            ({"delay_days": 1}, words(
                "Thank you for your loyalty", "A personal code for your next order.",
                [heading(f"Three orders already, {NAME}!"),
                 offer_block(offer, "<p>To thank you, a code for your next order:</p>", 30),
                 button("Shop now", "/catalogue/")],
            ), words(
                "Merci pour votre fidélité", "Un code personnel pour votre prochaine commande.",
                [heading(f"Déjà trois commandes, {PRENOM} !"),
                 offer_block(offer, "<p>Pour vous remercier, un code pour votre prochaine commande :</p>", 30),
                 button("Commander", "/catalogue/")],
            )),
        ],
    }


PROGRAMME = [
    account_ready, new_members, abandoned_basket, browse_abandonment, after_the_order, satisfaction,
    winback, birthday, order_anniversary, loyalty,
]
