-- The registry's editable catalogues as shipped: tags, clusters, yearly
-- figure kinds, talent levels and recognition kinds. Administrators change
-- them as data; nothing in code depends on these rows beyond their keys.

INSERT INTO tags (name, name_en, sort) VALUES
('高新技术企业', 'High-tech enterprise', 10),
('科技型中小企业', 'Tech-based SME', 20),
('专精特新', 'Specialised and innovative (专精特新)', 30),
('专精特新“小巨人”', 'Little giant', 35),
('规上', 'Above designated size', 40),
('链主', 'Chain leader', 50),
('上市', 'Listed', 60),
('雏鹰企业', 'Fledgling', 70),
('瞪羚企业', 'Gazelle', 80),
('独角兽', 'Unicorn', 90);

INSERT INTO clusters (name, name_en, sort) VALUES
('新能源', 'New energy', 10),
('集成电路', 'Integrated circuits', 20),
('高端装备', 'High-end equipment', 30),
('节能环保', 'Energy saving and environmental protection', 40),
('航空航天', 'Aerospace', 50),
('新一代信息技术', 'New-generation information technology', 60),
('机器人', 'Robotics', 70),
('生物医药', 'Biomedicine', 80),
('航空装备', 'Aviation equipment', 90),
('汽车及零部件', 'Automobiles and parts', 100),
('人工智能', 'Artificial intelligence', 110);

INSERT INTO figure_kinds (key, name, name_en, unit, sort) VALUES
('revenue', '营业收入', 'Revenue', '万元', 10),
('output_value', '工业总产值', 'Industrial output value', '万元', 20),
('rd_spending', '研发费用', 'R&D spending', '万元', 30),
('staff', '从业人员', 'Staff', '人', 40),
('rd_staff', '研发人员', 'R&D staff', '人', 50),
('invention_patents', '有效发明专利', 'Valid invention patents', '件', 60),
('total_assets', '资产总额', 'Total assets', '万元', 70),
('tax', '纳税额', 'Taxes paid', '万元', 80);

INSERT INTO talent_levels (key, name, name_en, sort) VALUES
('A', 'A类（顶尖人才）', 'A (top talent)', 10),
('B', 'B类（国家级领军人才）', 'B (national leading talent)', 20),
('C', 'C类（地方级领军人才）', 'C (local leading talent)', 30),
('D', 'D类（拔尖人才）', 'D (outstanding talent)', 40),
('E', 'E类（高级人才）', 'E (senior talent)', 50),
('F', 'F类（青年人才）', 'F (young talent)', 60);

INSERT INTO recognition_kinds (key, name, name_en, subject, levels) VALUES
('smart_factory', '智能工厂', 'Smart factory', 'organisation', '基础级|先进级|卓越级|领航级'),
('digital_workshop', '数字化车间', 'Digital workshop', 'organisation', '市级|省级'),
('digital_benchmark', '数字化转型标杆', 'Digital transformation benchmark', 'organisation', '市级|省级|国家级'),
('green_factory', '绿色工厂', 'Green factory', 'organisation', '市级|省级|国家级'),
('industrial_internet_platform', '工业互联网平台', 'Industrial internet platform', 'organisation', '省级 行业级|省级 区域级|省级 企业级|国家级'),
('high_tech', '高新技术企业认定', 'High-tech enterprise certificate', 'organisation', '国家级'),
('tech_sme', '科技型中小企业评价', 'Tech-based SME evaluation', 'organisation', '国家级'),
('specialised', '专精特新', 'Specialised and innovative', 'organisation', '省级|国家级小巨人'),
('rd_institution', '研发机构', 'R&D institution', 'organisation', '市级|省级|国家级'),
('distinguished_young', '杰出青年科学基金', 'Distinguished young scholars', 'person', '省级|国家级'),
('excellent_young', '优秀青年科学基金', 'Excellent young scholars', 'person', '省级|国家级'),
('world_class_discipline', '一流学科', 'First-class discipline', 'discipline', '世界一流|国内一流|省一流'),
('first_class_major', '一流本科专业', 'First-class undergraduate major', 'major', '省级|国家级');
