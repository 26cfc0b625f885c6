package summarize

import "strings"

// stopWords holds, per ISO 639-1 code, the words too common to tell
// sentences apart. English also lists the fillers of spoken language
// ("um", "yeah", "gonna"); the German, French and Spanish lists are short.
// Other languages have none and rely on inverse document frequency alone.
var stopWords = map[string]map[string]bool{
	"en": setOf(`a about above after again against all also am an and any are aren
		as at be because been before being below between both but by can cannot
		could couldn did didn do does doesn doing don down during each few for from
		further had hadn has hasn have haven having he her here hers herself him
		himself his how if in into is isn it its itself let ll me more most must
		mustn my myself no nor not of off on once only or other ought our ours
		ourselves out over own re same she should shouldn so some such than that the
		their theirs them themselves then there these they this those through to too
		under until up ve very was wasn we were weren what when where which while who
		whom why will with won would wouldn you your yours yourself yourselves
		um uh uhm hmm yeah yes okay ok oh well just like really actually basically
		gonna wanna gotta kind sort thing things get got go going know think mean
		right say said see lot maybe now one us thank thanks`),
	"de": setOf(`aber alle allem allen aller alles als also am an ander andere anderen
		auch auf aus bei bin bis bist da damit dann das dass dein deine dem den der
		des dich die dies diese diesem diesen dieser dieses dir doch dort du durch
		ein eine einem einen einer eines er es etwas euch euer für gegen gewesen hab
		habe haben hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre im in indem
		ins ist ja jede jedem jeden jeder jetzt kann kein keine können man manche mein
		meine mich mir mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein
		seine sich sie sind so solche soll sollte sondern um und uns unser unter viel
		vom von vor war waren warst was weil welche wenn wer werde werden wie wieder
		will wir wird wo zu zum zur über äh ähm halt eben genau okay`),
	"fr": setOf(`au aux avec ce ces cette ceux cela ci comme dans de des du donc elle
		elles en est et été être eu il ils je la le les leur leurs lui ma mais me même
		mes moi mon ne nos notre nous on ont ou où par pas pour qu que qui sa se ses
		si son sont sur ta te tes toi ton tous tout très tu un une vos votre vous
		ça était avait ai as avons avez euh ben bon alors voilà fait faire`),
	"es": setOf(`al algo algunos ante antes como con contra cual cuando de del desde
		donde durante el ella ellas ellos en entre era es esa esas ese eso esos esta
		está están estas este esto estos fue fueron ha han hay la las le les lo los
		me mi mis muy más nada ni no nos nosotros o os para pero poco por porque que
		qué se sea ser si sin sobre son su sus también tan te tiene todo todos tu tus
		un una uno unos y ya yo eh pues bueno entonces vale`),
}

// setOf returns the set of the words in s, separated by white space.
func setOf(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// baseLanguage returns the lower-case primary subtag of a language code:
// "en" for "en-US".
func baseLanguage(lang string) string {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}

// stopWordsFor returns the stop words of a language; English when the
// language is unknown (""), none for a language without a list.
func stopWordsFor(lang string) map[string]bool {
	lang = baseLanguage(lang)
	if lang == "" {
		lang = "en"
	}
	return stopWords[lang]
}
