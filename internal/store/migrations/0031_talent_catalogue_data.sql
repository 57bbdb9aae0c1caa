-- The catalogue as shipped: Shenyang's 兴沈英才计划, 2022 version, with its
-- four classes (A 顶尖, B 杰出, C 领军, D 拔尖). The items summarise the kinds
-- of qualification each class lists; an administrator loads the official
-- wording, another version or another city's catalogue as data
-- (talent.AddCatalogue), and certifications made under an older version
-- keep resting on its items.
INSERT INTO talent_catalogues (key, name, name_en, version, version_en, jurisdiction, effective_from, created_at) VALUES
('xingshen-2022', '兴沈英才计划', 'Xingshen Talent Plan', '2022版', '2022 edition', '210100', '2022-01-01', CURRENT_TIMESTAMP);

INSERT INTO talent_classes (catalogue_id, key, name, name_en, sort)
SELECT c.id, v.key, v.name, v.name_en, v.sort FROM talent_catalogues c, (
	SELECT 'A' AS key, '顶尖人才' AS name, 'Top talent' AS name_en, 10 AS sort
	UNION ALL SELECT 'B', '杰出人才', 'Distinguished talent', 20
	UNION ALL SELECT 'C', '领军人才', 'Leading talent', 30
	UNION ALL SELECT 'D', '拔尖人才', 'Outstanding talent', 40
) v WHERE c.key = 'xingshen-2022';

INSERT INTO talent_catalogue_items (catalogue_id, class_key, code, name, name_en, sort)
SELECT c.id, v.class_key, v.code, v.name, v.name_en, v.sort FROM talent_catalogues c, (
	SELECT 'A' AS class_key, 'A1' AS code, '诺贝尔奖、图灵奖等国际顶级科学技术奖项获得者' AS name, 'Winner of a Nobel Prize, Turing Award or like international award' AS name_en, 10 AS sort
	UNION ALL SELECT 'A', 'A2', '中国科学院院士、中国工程院院士', 'Member of the Chinese Academy of Sciences or of Engineering', 20
	UNION ALL SELECT 'A', 'A3', '国家最高科学技术奖获得者', 'Winner of the State Preeminent Science and Technology Award', 30
	UNION ALL SELECT 'B', 'B1', '国家杰出青年科学基金获得者', 'National Science Fund for Distinguished Young Scholars', 110
	UNION ALL SELECT 'B', 'B2', '国家级重大人才工程领军人才入选者', 'Leading talent of a national talent programme', 120
	UNION ALL SELECT 'B', 'B3', '国家科学技术奖一等奖主要完成人', 'Principal contributor to a first-class national S&T award', 130
	UNION ALL SELECT 'B', 'B4', '长江学者特聘教授', 'Changjiang Distinguished Professor', 140
	UNION ALL SELECT 'C', 'C1', '国家优秀青年科学基金获得者', 'National Science Fund for Excellent Young Scholars', 210
	UNION ALL SELECT 'C', 'C2', '国家级重大人才工程青年人才入选者', 'Young talent of a national talent programme', 220
	UNION ALL SELECT 'C', 'C3', '省级杰出青年科学基金获得者、“兴辽英才计划”领军人才', 'Provincial distinguished young scholar or Xingliao leading talent', 230
	UNION ALL SELECT 'C', 'C4', '国家科学技术奖二等奖、省科学技术奖一等奖主要完成人', 'Principal contributor to a second-class national or first-class provincial S&T award', 240
	UNION ALL SELECT 'C', 'C5', '年薪50万元以上的企业高级经营管理和技术人才', 'Senior manager or engineer of an enterprise paid over CNY 500,000 a year', 250
	UNION ALL SELECT 'D', 'D1', '省级优秀青年科学基金获得者、“兴辽英才计划”青年拔尖人才', 'Provincial excellent young scholar or Xingliao young talent', 310
	UNION ALL SELECT 'D', 'D2', '正高级专业技术职务人员', 'Holder of a full senior professional title', 320
	UNION ALL SELECT 'D', 'D3', '具有博士学位的青年人才', 'Young holder of a doctorate', 330
	UNION ALL SELECT 'D', 'D4', '省科学技术奖二等奖主要完成人', 'Principal contributor to a second-class provincial S&T award', 340
	UNION ALL SELECT 'D', 'D5', '年薪30万元以上的企业技术骨干', 'Key engineer of an enterprise paid over CNY 300,000 a year', 350
	UNION ALL SELECT 'D', 'D6', '首席技师、全国技术能手等高技能人才', 'Highly skilled worker: chief technician, national technical expert', 360
) v WHERE c.key = 'xingshen-2022';
