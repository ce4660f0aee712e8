BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0006');
CREATE TABLE "indicator" (
	id INTEGER NOT NULL,
	code VARCHAR(128) NOT NULL,
	question_id INTEGER NOT NULL,
	position INTEGER NOT NULL,
	unit VARCHAR NOT NULL,
	title_nb VARCHAR NOT NULL,
	title_en VARCHAR NOT NULL,
	description_nb VARCHAR NOT NULL,
	description_en VARCHAR NOT NULL,
	title_nn VARCHAR NOT NULL,
	description_nn VARCHAR NOT NULL,
	FOREIGN KEY(question_id) REFERENCES question (id),
	PRIMARY KEY (id),
	UNIQUE (code)
);
INSERT INTO "indicator" VALUES(1,'expected-better-quality',1,1,'percent','Forventer bedre tjenestekvalitet','Expect better service quality','Andel kommuner som forventer økt kvalitet på tjenestene som effekt av IKT-investeringer de neste tre årene.','Share of municipalities expecting ICT investments to raise service quality over the next three years.','Ventar betre tenestekvalitet','Delen av kommunane som ventar auka kvalitet på tenestene som verknad av IKT-investeringar dei neste tre åra.');
INSERT INTO "indicator" VALUES(2,'expected-simpler-routines',1,2,'percent','Forventer enklere arbeidsrutiner','Expect simpler work routines','Andel kommuner som svarte positivt på omlegging og forenkling av arbeidsrutiner som forventet effekt av IKT-investeringer de neste tre årene.','Share of municipalities answering positively on reorganised and simpler work routines as an expected effect of ICT investments over the next three years.','Ventar enklare arbeidsrutinar','Delen av kommunane som svarte positivt på omlegging og forenkling av arbeidsrutinar som venta verknad av IKT-investeringar dei neste tre åra.');
INSERT INTO "indicator" VALUES(3,'expected-faster-processing',1,3,'percent','Forventer raskere saksgang','Expect faster case handling','Andel kommuner som forventer raskere saksgang eller kortere svartid som effekt av IKT-investeringer. Kildene nevner området, men gir ingen tall.','Share of municipalities expecting faster case handling or shorter response times from ICT investments. The sources name the area but give no figures.','Ventar raskare saksgang','Delen av kommunane som ventar raskare saksgang eller kortare svartid som verknad av IKT-investeringar. Kjeldene nemner området, men gir ingen tal.');
INSERT INTO "indicator" VALUES(4,'high-priority',2,4,'percent','Oppgir høy eller svært høy prioritet','Say digitalisation has high or very high priority','Andel kommuner som oppgir at digitalisering gis høy eller svært høy prioritet. Kilden sier bare «stabilt på godt over 50 prosent».','Share of municipalities saying digitalisation is given high or very high priority. The source says only that it is stable at well over 50 percent.','Oppgir høg eller svært høg prioritet','Delen av kommunane som oppgir at digitalisering får høg eller svært høg prioritet. Kjelda seier berre «stabilt på godt over 50 prosent».');
INSERT INTO "indicator" VALUES(5,'action-plan',3,5,'percent','Oppgir at handlingsplanen omtaler digitalisering','Say the action plan mentions digitalisation','Andel kommuner som oppgir at digitalisering er omtalt i kommunens handlingsplan.','Share of municipalities saying their action plan mentions digitalisation.','Oppgir at handlingsplanen omtalar digitalisering','Delen av kommunane som oppgir at digitalisering er omtalt i handlingsplanen til kommunen.');
INSERT INTO "indicator" VALUES(6,'ict-contributed-quality',4,6,'percent','Mener IKT har bedret kvaliteten','Say ICT raised service quality','Andel kommuner som mener digitalisering og IKT i moderat, høy eller svært høy grad har bidratt til økt kvalitet på tjenestene: summen av de tre svarene.','Share of municipalities saying digitalisation and ICT have raised service quality to a moderate, high or very high degree: the sum of the three answers.','Meiner IKT har betra kvaliteten','Delen av kommunane som meiner digitalisering og IKT i moderat, høg eller svært høg grad har bidrege til auka kvalitet på tenestene: summen av dei tre svara.');
INSERT INTO "indicator" VALUES(7,'planning-digital',5,7,'percent','Plan og bygning: svarer at tjenestene er digitale','Planning and building: answer that services are digital','Andel kommuner som svarer at alle eller de fleste tjenestene innen plan og bygning er digitale og papirløse.','Share of municipalities answering that all or most planning and building services are digital and paper-free.','Plan og bygning: svarar at tenestene er digitale','Delen av kommunane som svarar at alle eller dei fleste tenestene innan plan og bygning er digitale og papirlause.');
INSERT INTO "indicator" VALUES(8,'nursing-homes-digital',6,8,'percent','Sykehjem: svarer at tjenestene er digitale','Nursing homes: answer that services are digital','Andel kommuner som svarer at alle eller de fleste tjenestene innen sykehjem er digitale og papirløse.','Share of municipalities answering that all or most nursing-home services are digital and paper-free.','Sjukeheim: svarar at tenestene er digitale','Delen av kommunane som svarar at alle eller dei fleste tenestene innan sjukeheim er digitale og papirlause.');
CREATE TABLE indicatoroption (
	indicator_id INTEGER NOT NULL,
	option_id INTEGER NOT NULL,
	FOREIGN KEY(indicator_id) REFERENCES indicator (id),
	FOREIGN KEY(option_id) REFERENCES option (id),
	PRIMARY KEY (indicator_id, option_id)
);
INSERT INTO "indicatoroption" VALUES(1,3);
INSERT INTO "indicatoroption" VALUES(2,1);
INSERT INTO "indicatoroption" VALUES(3,2);
INSERT INTO "indicatoroption" VALUES(4,4);
INSERT INTO "indicatoroption" VALUES(5,5);
INSERT INTO "indicatoroption" VALUES(6,8);
INSERT INTO "indicatoroption" VALUES(6,6);
INSERT INTO "indicatoroption" VALUES(6,7);
INSERT INTO "indicatoroption" VALUES(7,9);
INSERT INTO "indicatoroption" VALUES(7,10);
INSERT INTO "indicatoroption" VALUES(8,13);
INSERT INTO "indicatoroption" VALUES(8,14);
CREATE TABLE "option" (
	id INTEGER NOT NULL,
	question_id INTEGER NOT NULL,
	code VARCHAR(128) NOT NULL,
	position INTEGER NOT NULL,
	label_nb VARCHAR NOT NULL,
	label_en VARCHAR NOT NULL,
	label_nn VARCHAR NOT NULL,
	CONSTRAINT uq_option_id_question UNIQUE (id, question_id),
	FOREIGN KEY(question_id) REFERENCES question (id),
	PRIMARY KEY (id),
	UNIQUE (question_id, code)
);
INSERT INTO "option" VALUES(1,1,'simpler-routines',1,'Omlegging og forenkling av arbeidsrutiner','Reorganised and simpler work routines','Omlegging og forenkling av arbeidsrutinar');
INSERT INTO "option" VALUES(2,1,'faster-processing',2,'Raskere saksgang/kortere svartid','Faster case handling/shorter response times','Raskare saksgang/kortare svartid');
INSERT INTO "option" VALUES(3,1,'better-quality',3,'Økt kvalitet på tjenestene','Better service quality','Auka kvalitet på tenestene');
INSERT INTO "option" VALUES(4,2,'high-or-very-high',1,'Høy eller svært høy prioritet','High or very high priority','Høg eller svært høg prioritet');
INSERT INTO "option" VALUES(5,3,'yes',1,'Ja, omtalt i handlingsplanen','Yes, mentioned in the action plan','Ja, omtalt i handlingsplanen');
INSERT INTO "option" VALUES(6,4,'moderate',1,'I moderat grad','To a moderate degree','I moderat grad');
INSERT INTO "option" VALUES(7,4,'high',2,'I høy grad','To a high degree','I høg grad');
INSERT INTO "option" VALUES(8,4,'very-high',3,'I svært høy grad','To a very high degree','I svært høg grad');
INSERT INTO "option" VALUES(9,5,'all-digital',1,'Alle tjenester er digitale og papirløse','All services are digital and paper-free','Alle tenester er digitale og papirlause');
INSERT INTO "option" VALUES(10,5,'most-digital',2,'De fleste tjenestene er digitale og papirløse','Most services are digital and paper-free','Dei fleste tenestene er digitale og papirlause');
INSERT INTO "option" VALUES(11,5,'most-paper',3,'De fleste tjenestene krever papir, men noen er digitalisert','Most services need paper, but some are digitised','Dei fleste tenestene krev papir, men nokre er digitaliserte');
INSERT INTO "option" VALUES(12,5,'all-paper',4,'Alle tjenester krever papirbaserte prosesser','All services need paper-based processes','Alle tenester krev papirbaserte prosessar');
INSERT INTO "option" VALUES(13,6,'all-digital',1,'Alle tjenester er digitale og papirløse','All services are digital and paper-free','Alle tenester er digitale og papirlause');
INSERT INTO "option" VALUES(14,6,'most-digital',2,'De fleste tjenestene er digitale og papirløse','Most services are digital and paper-free','Dei fleste tenestene er digitale og papirlause');
INSERT INTO "option" VALUES(15,6,'most-paper',3,'De fleste tjenestene krever papir, men noen er digitalisert','Most services need paper, but some are digitised','Dei fleste tenestene krev papir, men nokre er digitaliserte');
INSERT INTO "option" VALUES(16,6,'all-paper',4,'Alle tjenester krever papirbaserte prosesser','All services need paper-based processes','Alle tenester krev papirbaserte prosessar');
INSERT INTO "option" VALUES(17,7,'education',1,'Utdanning','Education','Utdanning');
INSERT INTO "option" VALUES(18,7,'planning-building',2,'Plan og bygning','Planning and building','Plan og bygning');
INSERT INTO "option" VALUES(19,7,'health',3,'Helse','Health','Helse');
INSERT INTO "option" VALUES(20,7,'nursing-homes',4,'Sykehjem','Nursing homes','Sjukeheim');
INSERT INTO "option" VALUES(21,7,'children-family',5,'Barn og familie','Children and family','Barn og familie');
INSERT INTO "option" VALUES(22,7,'business',6,'Næring','Business and industry','Næring');
CREATE TABLE publishedtotal (
	id INTEGER NOT NULL,
	indicator_id INTEGER NOT NULL,
	wave_id INTEGER NOT NULL,
	segment_id INTEGER NOT NULL,
	value FLOAT NOT NULL,
	source_id INTEGER NOT NULL,
	locator VARCHAR,
	note_nb VARCHAR,
	note_en VARCHAR,
	release_id INTEGER NOT NULL,
	replaced_in INTEGER, locator_nb VARCHAR, note_nn VARCHAR, locator_nn VARCHAR,
	FOREIGN KEY(indicator_id) REFERENCES indicator (id),
	FOREIGN KEY(release_id) REFERENCES release (id),
	FOREIGN KEY(replaced_in) REFERENCES release (id),
	FOREIGN KEY(segment_id) REFERENCES segment (id),
	FOREIGN KEY(source_id) REFERENCES source (id),
	FOREIGN KEY(wave_id) REFERENCES wave (id),
	PRIMARY KEY (id)
);
INSERT INTO "publishedtotal" VALUES(1,6,1,1,95.0,4,'Opening of the article: the headline share of the 113 municipalities saying ICT has raised quality.','Avrundet sum av de tre svarene: 38,9 + 42,5 + 13,3 = 94,7.','Rounded sum of the three answers: 38.9 + 42.5 + 13.3 = 94.7.',1,NULL,'Begynnelsen av artikkelen: hovedtallet, andelen av de 113 kommunene som mener IKT har gitt bedre kvalitet.','Avrunda sum av dei tre svara: 38,9 + 42,5 + 13,3 = 94,7.','Byrjinga av artikkelen: hovudtalet, delen av dei 113 kommunane som meiner IKT har gitt betre kvalitet.');
CREATE TABLE "question" (
	id INTEGER NOT NULL,
	survey_id INTEGER NOT NULL,
	code VARCHAR(128) NOT NULL,
	topic_id INTEGER NOT NULL,
	kind VARCHAR(32) NOT NULL,
	position INTEGER NOT NULL,
	text_nb VARCHAR NOT NULL,
	text_en VARCHAR NOT NULL,
	note_nb VARCHAR,
	note_en VARCHAR,
	search_text VARCHAR NOT NULL,
	text_nn VARCHAR NOT NULL,
	note_nn VARCHAR,
	CONSTRAINT questionkind CHECK (kind IN ('single_choice', 'multiple_choice', 'scale')),
	FOREIGN KEY(survey_id) REFERENCES survey (id),
	FOREIGN KEY(topic_id) REFERENCES topic (id),
	PRIMARY KEY (id),
	UNIQUE (code)
);
INSERT INTO "question" VALUES(1,1,'expected-effects',1,'multiple_choice',1,'På hvilke områder forventer kommunen effekt av IKT-investeringer de neste tre årene?','In which areas does the municipality expect ICT investments to have an effect over the next three years?','Spørsmålsteksten er vår beskrivelse; spørreskjemaet finnes ikke i kildene våre. Andelene summerer til over 100, så en kommune kunne nevne flere områder.','The wording is our description; the questionnaire is not among our sources. The shares add up to more than 100, so a municipality could name several areas.','expected-effects på hvilke områder forventer kommunen effekt av ikt-investeringer de neste tre årene? på kva område ventar kommunen verknad av ikt-investeringar dei neste tre åra? in which areas does the municipality expect ict investments to have an effect over the next three years? omlegging og forenkling av arbeidsrutiner omlegging og forenkling av arbeidsrutinar reorganised and simpler work routines raskere saksgang/kortere svartid raskare saksgang/kortare svartid faster case handling/shorter response times økt kvalitet på tjenestene auka kvalitet på tenestene better service quality','På kva område ventar kommunen verknad av IKT-investeringar dei neste tre åra?','Spørsmålsteksten er vår skildring; spørjeskjemaet finst ikkje i kjeldene våre. Delane summerer seg til over 100, så ein kommune kunne nemne fleire område.');
INSERT INTO "question" VALUES(2,1,'priority',2,'scale',2,'Hvor høyt prioriteres digitalisering i kommunen?','How high a priority does the municipality give digitalisation?','Spørsmålsteksten er vår beskrivelse. Kilden omtaler bare høy og svært høy prioritet samlet, og bare med ord.','The wording is our description. The source speaks only of high and very high priority together, and only in words.','priority hvor høyt prioriteres digitalisering i kommunen? kor høgt blir digitalisering prioritert i kommunen? how high a priority does the municipality give digitalisation? høy eller svært høy prioritet høg eller svært høg prioritet high or very high priority','Kor høgt blir digitalisering prioritert i kommunen?','Spørsmålsteksten er vår skildring. Kjelda omtalar berre høg og svært høg prioritet samla, og berre med ord.');
INSERT INTO "question" VALUES(3,1,'action-plan',3,'single_choice',3,'Er digitalisering omtalt i kommunens handlingsplan?','Is digitalisation mentioned in the municipality''s action plan?','Spørsmålsteksten er vår beskrivelse. Bare andelen som svarte ja er publisert.','The wording is our description. Only the share answering yes is published.','action-plan er digitalisering omtalt i kommunens handlingsplan? er digitalisering omtalt i handlingsplanen til kommunen? is digitalisation mentioned in the municipality''s action plan? ja, omtalt i handlingsplanen ja, omtalt i handlingsplanen yes, mentioned in the action plan','Er digitalisering omtalt i handlingsplanen til kommunen?','Spørsmålsteksten er vår skildring. Berre delen som svarte ja, er publisert.');
INSERT INTO "question" VALUES(4,1,'ict-contributed-quality',4,'scale',4,'I hvilken grad har digitalisering og bruk av IKT bidratt til økt kvalitet på tjenestene?','To what degree have digitalisation and the use of ICT contributed to better service quality?','Stilt i 2015. Et annet spørsmål enn forventet økt kvalitet (expected-effects): tallene hører ikke til samme serie.','Asked in 2015. A different question from expected better quality (expected-effects): the figures do not belong to one series.','ict-contributed-quality i hvilken grad har digitalisering og bruk av ikt bidratt til økt kvalitet på tjenestene? i kva grad har digitalisering og bruk av ikt bidrege til auka kvalitet på tenestene? to what degree have digitalisation and the use of ict contributed to better service quality? i moderat grad i moderat grad to a moderate degree i høy grad i høg grad to a high degree i svært høy grad i svært høg grad to a very high degree','I kva grad har digitalisering og bruk av IKT bidrege til auka kvalitet på tenestene?','Stilt i 2015. Eit anna spørsmål enn venta auka kvalitet (expected-effects): tala høyrer ikkje til same serie.');
INSERT INTO "question" VALUES(5,1,'service-area-planning',5,'single_choice',5,'Hvor digitale er tjenestene innen plan og bygning?','How digital are the services in planning and building?','Stilt i 2015; ett svar per tjenesteområde.','Asked in 2015; one answer per service area.','service-area-planning hvor digitale er tjenestene innen plan og bygning? kor digitale er tenestene innan plan og bygning? how digital are the services in planning and building? alle tjenester er digitale og papirløse alle tenester er digitale og papirlause all services are digital and paper-free de fleste tjenestene er digitale og papirløse dei fleste tenestene er digitale og papirlause most services are digital and paper-free de fleste tjenestene krever papir, men noen er digitalisert dei fleste tenestene krev papir, men nokre er digitaliserte most services need paper, but some are digitised alle tjenester krever papirbaserte prosesser alle tenester krev papirbaserte prosessar all services need paper-based processes','Kor digitale er tenestene innan plan og bygning?','Stilt i 2015; eitt svar per tenesteområde.');
INSERT INTO "question" VALUES(6,1,'service-area-nursing-homes',5,'single_choice',6,'Hvor digitale er tjenestene innen sykehjem?','How digital are the services in nursing homes?','Stilt i 2015; ett svar per tjenesteområde.','Asked in 2015; one answer per service area.','service-area-nursing-homes hvor digitale er tjenestene innen sykehjem? kor digitale er tenestene innan sjukeheim? how digital are the services in nursing homes? alle tjenester er digitale og papirløse alle tenester er digitale og papirlause all services are digital and paper-free de fleste tjenestene er digitale og papirløse dei fleste tenestene er digitale og papirlause most services are digital and paper-free de fleste tjenestene krever papir, men noen er digitalisert dei fleste tenestene krev papir, men nokre er digitaliserte most services need paper, but some are digitised alle tjenester krever papirbaserte prosesser alle tenester krev papirbaserte prosessar all services need paper-based processes','Kor digitale er tenestene innan sjukeheim?','Stilt i 2015; eitt svar per tenesteområde.');
INSERT INTO "question" VALUES(7,1,'service-area-progress',5,'multiple_choice',7,'Hvilke tjenesteområder har kommet lengst og kortest i digitaliseringen?','Which service areas are furthest along in digitalisation, and which least?','Spørsmålsteksten er vår beskrivelse. Kildene rangerer områdene bare med ord: hvert område er nevnt blant dem som har kommet lengst eller kortest, uten tall.','The wording is our description. The sources rank the areas in words only: each area is named among those furthest along or least far, without figures.','service-area-progress hvilke tjenesteområder har kommet lengst og kortest i digitaliseringen? kva tenesteområde har kome lengst og kortast i digitaliseringa? which service areas are furthest along in digitalisation, and which least? utdanning utdanning education plan og bygning plan og bygning planning and building helse helse health sykehjem sjukeheim nursing homes barn og familie barn og familie children and family næring næring business and industry','Kva tenesteområde har kome lengst og kortast i digitaliseringa?','Spørsmålsteksten er vår skildring. Kjeldene rangerer områda berre med ord: kvart område er nemnt blant dei som har kome lengst eller kortast, utan tal.');
CREATE TABLE release (
	id INTEGER NOT NULL,
	created_at DATETIME NOT NULL,
	message VARCHAR NOT NULL,
	checksum VARCHAR(64) NOT NULL,
	added INTEGER NOT NULL,
	changed INTEGER NOT NULL,
	removed INTEGER NOT NULL,
	PRIMARY KEY (id)
);
INSERT INTO "release" VALUES(1,'1970-01-01 00:00:00.000000','Published figures of Kommuneundersøkelsen 2015–2017 from public sources','e6e0839dc29c6f82fb8003e0b4ae399683111faeb6e8cf5132791ebe4d0ab483',33,0,0);
CREATE TABLE saved_query (
	id VARCHAR(32) NOT NULL,
	table_id VARCHAR(128) NOT NULL,
	language VARCHAR(8) NOT NULL,
	selection VARCHAR NOT NULL,
	output_format VARCHAR(16) NOT NULL,
	output_format_params VARCHAR(256) NOT NULL,
	created_at DATETIME NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE "segment" (
	id INTEGER NOT NULL,
	code VARCHAR(128) NOT NULL,
	dimension VARCHAR(64) NOT NULL,
	label_nb VARCHAR NOT NULL,
	label_en VARCHAR NOT NULL,
	label_nn VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (code)
);
INSERT INTO "segment" VALUES(1,'all','all','Alle kommuner som svarte','All responding municipalities','Alle kommunar som svarte');
CREATE TABLE share (
	id INTEGER NOT NULL,
	wave_id INTEGER NOT NULL,
	question_id INTEGER NOT NULL,
	option_id INTEGER NOT NULL,
	segment_id INTEGER NOT NULL,
	value FLOAT,
	base_n INTEGER,
	status VARCHAR(32) NOT NULL,
	note_nb VARCHAR,
	note_en VARCHAR,
	source_id INTEGER NOT NULL,
	locator VARCHAR,
	release_id INTEGER NOT NULL,
	replaced_in INTEGER, locator_nb VARCHAR, note_nn VARCHAR, locator_nn VARCHAR,
	CONSTRAINT fk_share_option_of_question FOREIGN KEY(option_id, question_id) REFERENCES option (id, question_id),
	CONSTRAINT share_base_n_positive CHECK (base_n IS NULL OR base_n > 0),
	CONSTRAINT share_value_matches_status CHECK ((value IS NULL) = (status IN ('qualitative', 'not_published'))),
	CONSTRAINT share_value_percent CHECK (value IS NULL OR (value >= 0 AND value <= 100)),
	CONSTRAINT sharestatus CHECK (status IN ('published', 'approximate', 'qualitative', 'not_published')),
	FOREIGN KEY(option_id) REFERENCES option (id),
	FOREIGN KEY(question_id) REFERENCES question (id),
	FOREIGN KEY(release_id) REFERENCES release (id),
	FOREIGN KEY(replaced_in) REFERENCES release (id),
	FOREIGN KEY(segment_id) REFERENCES segment (id),
	FOREIGN KEY(source_id) REFERENCES source (id),
	FOREIGN KEY(wave_id) REFERENCES wave (id),
	PRIMARY KEY (id)
);
INSERT INTO "share" VALUES(1,1,1,1,1,23.0,NULL,'published','Setningen nevner ikke årene; pressemeldingen sammenligner 2015 og 2017 gjennomgående.','The sentence names no years; the release compares 2015 with 2017 throughout.',1,'Section on investment areas, first of the three areas: the positive share rose from 23 to 68 percent.',1,NULL,'Avsnittet om investeringsområder, første av de tre områdene: andelen som svarte positivt, fra 23 til 68 prosent.','Setninga nemner ikkje åra; pressemeldinga samanliknar 2015 og 2017 gjennomgåande.','Avsnittet om investeringsområde, det første av dei tre områda: delen som svarte positivt, frå 23 til 68 prosent.');
INSERT INTO "share" VALUES(2,3,1,1,1,68.0,NULL,'published','Setningen nevner ikke årene; pressemeldingen sammenligner 2015 og 2017 gjennomgående.','The sentence names no years; the release compares 2015 with 2017 throughout.',1,'Section on investment areas, first of the three areas: the positive share rose from 23 to 68 percent.',1,NULL,'Avsnittet om investeringsområder, første av de tre områdene: andelen som svarte positivt, fra 23 til 68 prosent.','Setninga nemner ikkje åra; pressemeldinga samanliknar 2015 og 2017 gjennomgåande.','Avsnittet om investeringsområde, det første av dei tre områda: delen som svarte positivt, frå 23 til 68 prosent.');
INSERT INTO "share" VALUES(3,1,1,2,1,NULL,NULL,'not_published','Nevnt som et av tre områder med størst forventet effekt; ingen andel er oppgitt.','Named as one of the three areas with the largest expected effect; no share is given.',1,'Section on investment areas, second of the three areas, named without a figure.',1,NULL,'Avsnittet om investeringsområder, andre av de tre områdene: nevnt uten tall.','Nemnt som eitt av tre område med størst venta verknad; ingen del er oppgitt.','Avsnittet om investeringsområde, det andre av dei tre områda: nemnt utan tal.');
INSERT INTO "share" VALUES(4,3,1,2,1,NULL,NULL,'not_published','Nevnt som et av tre områder med størst forventet effekt; ingen andel er oppgitt. Computerworld sier bare at utviklingen er den samme.','Named as one of the three areas with the largest expected effect; no share is given. Computerworld says only that the trend is the same.',1,'Section on investment areas, second of the three areas, named without a figure.',1,NULL,'Avsnittet om investeringsområder, andre av de tre områdene: nevnt uten tall.','Nemnt som eitt av tre område med størst venta verknad; ingen del er oppgitt. Computerworld seier berre at utviklinga er den same.','Avsnittet om investeringsområde, det andre av dei tre områda: nemnt utan tal.');
INSERT INTO "share" VALUES(5,1,1,3,1,24.0,NULL,'published',NULL,NULL,1,'Opening section: the 2015 share of municipalities expecting better service quality from digitalisation.',1,NULL,'Innledningen: andelen kommuner i 2015 som ventet bedre tjenestekvalitet av digitalisering.',NULL,'Innleiinga: delen kommunar i 2015 som venta betre tenestekvalitet av digitalisering.');
INSERT INTO "share" VALUES(6,3,1,3,1,64.0,NULL,'published',NULL,NULL,1,'Opening section: the same share two years later, in 2017.',1,NULL,'Innledningen: den samme andelen to år etter, i 2017.',NULL,'Innleiinga: den same delen to år etter, i 2017.');
INSERT INTO "share" VALUES(7,1,2,4,1,NULL,NULL,'qualitative','Beskrevet som stabilt på godt over 50 prosent. 50 er en nedre grense og ikke et tall.','Described as stable at well over 50 percent. 50 is a lower bound and not a figure.',1,'Section on automation: the share giving digitalisation high or very high priority is described in words only.',1,NULL,'Avsnittet om automatisering: andelen som gir digitalisering høy eller svært høy prioritet, bare beskrevet med ord.','Skildra som stabilt på godt over 50 prosent. 50 er ei nedre grense og ikkje eit tal.','Avsnittet om automatisering: delen som gir digitalisering høg eller svært høg prioritet, berre skildra med ord.');
INSERT INTO "share" VALUES(8,3,2,4,1,NULL,NULL,'qualitative','Beskrevet som stabilt på godt over 50 prosent. 50 er en nedre grense og ikke et tall.','Described as stable at well over 50 percent. 50 is a lower bound and not a figure.',1,'Section on automation: the share giving digitalisation high or very high priority is described in words only.',1,NULL,'Avsnittet om automatisering: andelen som gir digitalisering høy eller svært høy prioritet, bare beskrevet med ord.','Skildra som stabilt på godt over 50 prosent. 50 er ei nedre grense og ikkje eit tal.','Avsnittet om automatisering: delen som gir digitalisering høg eller svært høg prioritet, berre skildra med ord.');
INSERT INTO "share" VALUES(9,1,3,5,1,68.0,NULL,'published',NULL,NULL,1,'Section on automation: the 2015 share whose action plan mentions digitalisation.',1,NULL,'Avsnittet om automatisering: andelen i 2015 som sa at handlingsplanen omtaler digitalisering.',NULL,'Avsnittet om automatisering: delen i 2015 som sa at handlingsplanen omtalar digitalisering.');
INSERT INTO "share" VALUES(10,3,3,5,1,76.0,NULL,'published',NULL,NULL,1,'Section on automation: the same share in 2017.',1,NULL,'Avsnittet om automatisering: den samme andelen i 2017.',NULL,'Avsnittet om automatisering: den same delen i 2017.');
INSERT INTO "share" VALUES(11,1,4,6,1,38.9,113,'published',NULL,NULL,3,'Breakdown of the answers on how far ICT has raised service quality: the moderate degree.',1,NULL,'Fordelingen av svarene om hvor mye IKT har gitt bedre tjenester: moderat grad.',NULL,'Fordelinga av svara om kor mykje IKT har gitt betre tenester: moderat grad.');
INSERT INTO "share" VALUES(12,1,4,7,1,42.5,113,'published',NULL,NULL,3,'Breakdown of the answers on how far ICT has raised service quality: the high degree.',1,NULL,'Fordelingen av svarene om hvor mye IKT har gitt bedre tjenester: høy grad.',NULL,'Fordelinga av svara om kor mykje IKT har gitt betre tenester: høg grad.');
INSERT INTO "share" VALUES(13,1,4,8,1,13.3,113,'published',NULL,NULL,3,'Breakdown of the answers on how far ICT has raised service quality: the very high degree.',1,NULL,'Fordelingen av svarene om hvor mye IKT har gitt bedre tjenester: svært høy grad.',NULL,'Fordelinga av svara om kor mykje IKT har gitt betre tenester: svært høg grad.');
INSERT INTO "share" VALUES(14,1,5,9,1,10.0,113,'approximate','Kilden sier «nær 10 prosent».','The source says "nearly 10 percent".',4,'Planning and building: the share with every service digital and paper-free, given as approximate.',1,NULL,'Plan og bygning: andelen der alle tjenestene er digitale og papirløse, oppgitt omtrentlig.','Kjelda seier «nær 10 prosent».','Plan og bygning: delen der alle tenestene er digitale og papirlause, oppgitt omtrentleg.');
INSERT INTO "share" VALUES(15,1,5,10,1,32.0,113,'published',NULL,NULL,4,'Planning and building: the further share with most services digital and paper-free.',1,NULL,'Plan og bygning: andelen som i tillegg har de fleste tjenestene digitale og papirløse.',NULL,'Plan og bygning: delen som i tillegg har dei fleste tenestene digitale og papirlause.');
INSERT INTO "share" VALUES(16,1,5,11,1,NULL,113,'not_published','Ingen andel er publisert for dette svaret.','No share is published for this answer.',4,'Planning and building: the article gives no figure for this answer.',1,NULL,'Plan og bygning: artikkelen gir ikke noe tall for dette svaret.','Ingen del er publisert for dette svaret.','Plan og bygning: artikkelen gir ikkje noko tal for dette svaret.');
INSERT INTO "share" VALUES(17,1,5,12,1,NULL,113,'not_published','Ingen andel er publisert for dette svaret.','No share is published for this answer.',4,'Planning and building: the article gives no figure for this answer.',1,NULL,'Plan og bygning: artikkelen gir ikke noe tall for dette svaret.','Ingen del er publisert for dette svaret.','Plan og bygning: artikkelen gir ikkje noko tal for dette svaret.');
INSERT INTO "share" VALUES(18,1,6,13,1,0.9,113,'published',NULL,NULL,4,'Nursing homes: the share with every service digitally available.',1,NULL,'Sykehjem: andelen der alle tjenestene er tilgjengelige digitalt.',NULL,'Sjukeheim: delen der alle tenestene er tilgjengelege digitalt.');
INSERT INTO "share" VALUES(19,1,6,14,1,11.5,113,'published',NULL,NULL,4,'Nursing homes: the share with most services digital and paper-free.',1,NULL,'Sykehjem: andelen der de fleste tjenestene er digitale og papirløse.',NULL,'Sjukeheim: delen der dei fleste tenestene er digitale og papirlause.');
INSERT INTO "share" VALUES(20,1,6,15,1,38.1,113,'published',NULL,NULL,4,'Nursing homes: the further share where most services need paper, some being digitised.',1,NULL,'Sykehjem: andelen som i tillegg har mest papirbaserte tjenester, med noen digitalisert.',NULL,'Sjukeheim: delen som i tillegg har mest papirbaserte tenester, med nokre digitaliserte.');
INSERT INTO "share" VALUES(21,1,6,16,1,49.6,113,'published',NULL,NULL,4,'Nursing homes: the share where every service needs paper-based processes.',1,NULL,'Sykehjem: andelen der alle tjenestene bygger på papir.',NULL,'Sjukeheim: delen der alle tenestene byggjer på papir.');
INSERT INTO "share" VALUES(22,1,7,17,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet lengst. Kilden gir ingen tall.','Named among the areas furthest along. The source gives no figure.',4,'The article''s ranking of service areas, in words: the areas furthest along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet lengst.','Nemnt blant områda som har kome lengst. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome lengst.');
INSERT INTO "share" VALUES(23,1,7,18,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet lengst. Kilden gir ingen tall.','Named among the areas furthest along. The source gives no figure.',4,'The article''s ranking of service areas, in words: the areas furthest along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet lengst.','Nemnt blant områda som har kome lengst. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome lengst.');
INSERT INTO "share" VALUES(24,1,7,19,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet lengst. Kilden gir ingen tall.','Named among the areas furthest along. The source gives no figure.',4,'The article''s ranking of service areas, in words: the areas furthest along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet lengst.','Nemnt blant områda som har kome lengst. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome lengst.');
INSERT INTO "share" VALUES(25,1,7,20,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet kortest. Kilden gir ingen tall.','Named among those least far along. The source gives no figure.',4,'The article''s ranking of service areas, in words: the areas least far along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet kortest.','Nemnt blant områda som har kome kortast. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome kortast.');
INSERT INTO "share" VALUES(26,1,7,21,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet kortest. Kilden gir ingen tall.','Named among those least far along. The source gives no figure.',4,'The article''s ranking of service areas, in words: the areas least far along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet kortest.','Nemnt blant områda som har kome kortast. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome kortast.');
INSERT INTO "share" VALUES(27,1,7,22,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet kortest. Kilden gir ingen tall.','Named among those least far along. The source gives no figure.',4,'The article''s ranking of service areas, in words: the areas least far along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet kortest.','Nemnt blant områda som har kome kortast. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome kortast.');
INSERT INTO "share" VALUES(28,3,7,17,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet lengst. Kilden gir ingen tall.','Named among the areas furthest along. The source gives no figure.',5,'The article''s ranking of service areas, in words: the areas furthest along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet lengst.','Nemnt blant områda som har kome lengst. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome lengst.');
INSERT INTO "share" VALUES(29,3,7,18,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet lengst. Kilden gir ingen tall.','Named among the areas furthest along. The source gives no figure.',5,'The article''s ranking of service areas, in words: the areas furthest along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet lengst.','Nemnt blant områda som har kome lengst. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome lengst.');
INSERT INTO "share" VALUES(30,3,7,19,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet lengst. Kilden gir ingen tall.','Named among the areas furthest along. The source gives no figure.',5,'The article''s ranking of service areas, in words: the areas furthest along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet lengst.','Nemnt blant områda som har kome lengst. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome lengst.');
INSERT INTO "share" VALUES(31,3,7,20,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet kortest. Kilden gir ingen tall.','Named among those least far along. The source gives no figure.',5,'The article''s ranking of service areas, in words: the areas least far along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet kortest.','Nemnt blant områda som har kome kortast. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome kortast.');
INSERT INTO "share" VALUES(32,3,7,21,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet kortest. Kilden gir ingen tall.','Named among those least far along. The source gives no figure.',5,'The article''s ranking of service areas, in words: the areas least far along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet kortest.','Nemnt blant områda som har kome kortast. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome kortast.');
INSERT INTO "share" VALUES(33,3,7,22,1,NULL,NULL,'qualitative','Nevnt blant områdene som har kommet kortest. Kilden gir ingen tall.','Named among those least far along. The source gives no figure.',5,'The article''s ranking of service areas, in words: the areas least far along.',1,NULL,'Artikkelens rangering av tjenesteområdene, med ord: områdene som har kommet kortest.','Nemnt blant områda som har kome kortast. Kjelda gir ingen tal.','Rangeringa av tenesteområda i artikkelen, med ord: områda som har kome kortast.');
CREATE TABLE "source" (
	id INTEGER NOT NULL,
	code VARCHAR(64) NOT NULL,
	title VARCHAR NOT NULL,
	publisher VARCHAR NOT NULL,
	url VARCHAR,
	published VARCHAR(10),
	date_note_nb VARCHAR,
	date_note_en VARCHAR,
	description_nb VARCHAR NOT NULL,
	description_en VARCHAR NOT NULL,
	description_nn VARCHAR NOT NULL,
	date_note_nn VARCHAR,
	PRIMARY KEY (id),
	UNIQUE (code)
);
INSERT INTO "source" VALUES(1,'pr17','Kommuneundersøkelsen 2017','EVRY',NULL,'2018-01-24',NULL,NULL,'Pressemelding fra EVRY om den tredje runden av undersøkelsen. Sammenligner 2015 og 2017: forventet effekt av IKT-investeringer, prioritering av digitalisering og omtale i handlingsplanen.','EVRY press release on the third round of the survey. Compares 2015 with 2017 on the expected effects of ICT investment, the priority given to digitalisation and its place in the action plan.','Pressemelding frå EVRY om den tredje runden av undersøkinga. Samanliknar 2015 og 2017: venta verknad av IKT-investeringar, prioritering av digitalisering og omtale i handlingsplanen.',NULL);
INSERT INTO "source" VALUES(2,'cw17','Kommunene øker ambisjonene','Computerworld Norge','http://www.cw.no/artikkel/digitalisering/kommunene-oker-ambisjonene','2018-01',NULL,NULL,'Nyhetsartikkel om 2017-undersøkelsen. Gjengir tallene fra pressemeldingen og sier at utviklingen for raskere saksgang er den samme, uten tall.','News article on the 2017 survey. Repeats the press release''s figures and says faster case handling followed the same trend, without a number.','Nyheitsartikkel om 2017-undersøkinga. Gjengir tala frå pressemeldinga og seier at utviklinga for raskare saksgang er den same, utan tal.',NULL);
INSERT INTO "source" VALUES(3,'e15','Survey: Norwegian municipalities still relying on paper','EVRY','https://www.evry.com/en/what-we-do/industry/public-sector/survey-norwegian-municipalities-still-reliant-on-paper/',NULL,'Udatert, omtaler 2015-runden.','Undated; reports the 2015 wave.','Artikkel fra EVRY på engelsk om 2015-runden (113 kommuner): hvor langt tjenesteområdene er digitalisert, og i hvilken grad kommunene mener IKT har gitt bedre tjenester.','EVRY article in English on the 2015 wave (113 municipalities): how far service areas are digital, and how much municipalities say ICT has improved services.','Artikkel frå EVRY på engelsk om 2015-runden (113 kommunar): kor langt tenesteområda er digitaliserte, og i kva grad kommunane meiner IKT har gitt betre tenester.','Udatert, omtalar 2015-runden.');
INSERT INTO "source" VALUES(4,'cw15','Fortsatt mye papir i kommunene','Computerworld Norge','http://www.cw.no/artikkel/offentlig-it/fortsatt-mye-papir-kommunene',NULL,'Udatert, omtaler 2015-runden.','Undated; reports the 2015 wave.','Nyhetsartikkel om 2015-runden: tall for plan og bygning og for sykehjem, og den avrundede andelen som mener IKT har gitt bedre kvalitet. Nevner også med ord hvilke tjenesteområder som har kommet lengst og kortest.','News article on the 2015 wave: figures for planning and building and for nursing homes, and the rounded share saying ICT has raised quality. Also names in words the service areas furthest along and least far.','Nyheitsartikkel om 2015-runden: tal for plan og bygning og for sjukeheim, og den avrunda delen som meiner IKT har gitt betre kvalitet. Nemner også med ord kva tenesteområde som har kome lengst og kortast.','Udatert, omtalar 2015-runden.');
INSERT INTO "source" VALUES(5,'kr18','[Artikkel om Kommuneundersøkelsen 2017]','Kommunal Rapport',NULL,'2018-01','Januar 2018; vi kjenner verken tittel eller adresse.','January 2018; neither its title nor its address is known to us.','Artikkel i Kommunal Rapport om 2017-runden, kjent for oss bare fra en henvisning. Nevner med ord hvilke tjenesteområder som har kommet lengst og kortest i digitaliseringen, uten tall.','Kommunal Rapport article on the 2017 wave, known to us only from a reference. Names in words the service areas furthest along in digitalisation and those least far, without figures.','Artikkel i Kommunal Rapport om 2017-runden, kjend for oss berre frå ei tilvising. Nemner med ord kva tenesteområde som har kome lengst og kortast i digitaliseringa, utan tal.','Januar 2018; vi kjenner verken tittelen eller adressa.');
CREATE TABLE "survey" (
	id INTEGER NOT NULL,
	code VARCHAR(64) NOT NULL,
	title_nb VARCHAR NOT NULL,
	title_en VARCHAR NOT NULL,
	publisher VARCHAR NOT NULL,
	description_nb VARCHAR NOT NULL,
	description_en VARCHAR NOT NULL,
	homepage VARCHAR,
	licence VARCHAR,
	synthetic BOOLEAN NOT NULL,
	title_nn VARCHAR NOT NULL,
	description_nn VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (code)
);
INSERT INTO "survey" VALUES(1,'kommuneundersokelsen','Kommuneundersøkelsen: Status for digitalisering i norske kommuner','The Municipal Survey: status of digitalisation in Norwegian municipalities','EVRY with NyAnalyse','Årlig spørreundersøkelse blant norske kommuner om digitalisering, gjennomført av NyAnalyse for EVRY i 2015, 2016 og 2017. Her publiseres bare tallene som er kjent fra offentlige kilder.','Yearly survey of Norwegian municipalities on digitalisation, run by NyAnalyse for EVRY in 2015, 2016 and 2017. Only the figures known from public sources are published here.',NULL,NULL,0,'Kommuneundersøkelsen: Status for digitalisering i norske kommuner','Årleg spørjeundersøking blant norske kommunar om digitalisering, gjennomført av NyAnalyse for EVRY i 2015, 2016 og 2017. Her blir berre tala som er kjende frå offentlege kjelder, publiserte.');
CREATE TABLE "topic" (
	id INTEGER NOT NULL,
	code VARCHAR(64) NOT NULL,
	label_nb VARCHAR NOT NULL,
	label_en VARCHAR NOT NULL,
	label_nn VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (code)
);
INSERT INTO "topic" VALUES(1,'expected-effects','Forventet effekt av IKT-investeringer','Expected effects of ICT investment','Venta verknad av IKT-investeringar');
INSERT INTO "topic" VALUES(2,'priority','Prioritering av digitalisering','Priority given to digitalisation','Prioritering av digitalisering');
INSERT INTO "topic" VALUES(3,'planning','Planer og styring','Plans and governance','Planar og styring');
INSERT INTO "topic" VALUES(4,'service-quality','Tjenestekvalitet','Service quality','Tenestekvalitet');
INSERT INTO "topic" VALUES(5,'service-areas','Digitalisering i tjenesteområdene','Digitalisation by service area','Digitalisering i tenesteområda');
CREATE TABLE "wave" (
	id INTEGER NOT NULL,
	survey_id INTEGER NOT NULL,
	year INTEGER NOT NULL,
	title_nb VARCHAR NOT NULL,
	title_en VARCHAR NOT NULL,
	fieldwork VARCHAR,
	respondents INTEGER,
	population INTEGER,
	response_rate FLOAT,
	published_on DATE,
	source_id INTEGER,
	note_nb VARCHAR,
	note_en VARCHAR,
	title_nn VARCHAR NOT NULL,
	note_nn VARCHAR,
	FOREIGN KEY(source_id) REFERENCES source (id),
	FOREIGN KEY(survey_id) REFERENCES survey (id),
	PRIMARY KEY (id),
	UNIQUE (survey_id, year)
);
INSERT INTO "wave" VALUES(1,1,2015,'Runden i 2015 («Digitization in Municipal Norway»)','The 2015 wave (“Digitization in Municipal Norway”)',NULL,113,NULL,NULL,NULL,3,'Gjennomført av NyAnalyse for EVRY. 113 kommuner svarte.','Run by NyAnalyse for EVRY. 113 municipalities took part.','Runden i 2015 («Digitization in Municipal Norway»)','Gjennomført av NyAnalyse for EVRY. 113 kommunar svarte.');
INSERT INTO "wave" VALUES(2,1,2016,'Runden i 2016','The 2016 wave',NULL,NULL,NULL,NULL,NULL,1,'Kjent bare indirekte: 2017-runden var den tredje på rad. Ingen tall fra denne runden er publisert.','Known only by implication: the 2017 round was the third in a row. No figures from this wave are published.','Runden i 2016','Kjend berre indirekte: 2017-runden var den tredje på rad. Ingen tal frå denne runden er publiserte.');
INSERT INTO "wave" VALUES(3,1,2017,'Kommuneundersøkelsen 2017: Status for digitalisering i norske kommuner','The Municipal Survey 2017: status of digitalisation in Norwegian municipalities',NULL,NULL,NULL,NULL,'2018-01-24',1,'Antall svar er ikke publisert.','The number of respondents is not published.','Kommuneundersøkelsen 2017: Status for digitalisering i norske kommuner','Talet på svar er ikkje publisert.');
CREATE INDEX ix_indicator_question_id ON indicator (question_id);
CREATE INDEX ix_option_question_id ON option (question_id);
CREATE INDEX ix_question_survey_id ON question (survey_id);
CREATE INDEX ix_question_topic_id ON question (topic_id);
CREATE INDEX ix_share_cell ON share (wave_id, question_id, option_id, segment_id);
CREATE INDEX ix_share_option ON share (option_id, wave_id, segment_id);
CREATE INDEX ix_share_question ON share (question_id, wave_id, option_id, segment_id);
CREATE INDEX ix_share_release ON share (release_id, wave_id, question_id, option_id, segment_id);
CREATE INDEX ix_share_replaced ON share (replaced_in, wave_id, question_id, option_id, segment_id) WHERE replaced_in IS NOT NULL;
CREATE INDEX ix_wave_survey_id ON wave (survey_id);
CREATE UNIQUE INDEX ix_published_total_current ON publishedtotal (indicator_id, wave_id, segment_id) WHERE replaced_in IS NULL;
CREATE UNIQUE INDEX ix_share_current_cell ON share (wave_id, question_id, option_id, segment_id) WHERE replaced_in IS NULL;
COMMIT;
