"""The built-in service items of a residents' committee's front desk (全岗通), as data.

Shanghai's community affairs service centres publish lists like this one: the seeds speak of 140
items that can be pre-reviewed online (网上预审). Each row: code, Chinese name, English name,
service modes (O on site 现场办, S self-service 自助办, H help-you-do 帮你办, D door-to-door 上门办),
the documents it needs (codes of :data:`DOCUMENTS`), and how the front desk handles it
(``spot`` 当场办理, ``pass`` 转告受理, ``path`` 告知路径). Items in :data:`NOT_PREREVIEWABLE` are
handled at the desk only; :data:`REPORT_ITEMS` are problems residents report (they open cases and
are what Open311 lists as services).
"""

from __future__ import annotations

from typing import Any

DOCUMENTS: dict[str, tuple[str, str]] = {
    "id_card": ("居民身份证", "Resident identity card"),
    "hukou": ("户口簿", "Household register (hukou)"),
    "photo": ("一寸证件照", "Passport-size photo"),
    "form": ("申请表", "Application form"),
    "ss_card": ("社会保障卡", "Social security card"),
    "med_card": ("医保卡", "Medical insurance card"),
    "residence_permit": ("居住证", "Residence permit"),
    "lease": ("房屋租赁合同或产权证", "Lease or title deed"),
    "marriage": ("结婚证", "Marriage certificate"),
    "birth_cert": ("出生医学证明", "Medical birth certificate"),
    "disability_cert": ("残疾人证", "Disability certificate"),
    "income": ("收入证明", "Proof of income"),
    "labour_contract": ("劳动合同", "Labour contract"),
    "bank_card": ("本人银行卡", "Own bank card"),
    "medical_record": ("病历或诊断证明", "Medical records or diagnosis"),
    "death_cert": ("死亡证明", "Death certificate"),
    "diploma": ("学历证明", "Diploma"),
    "veteran_cert": ("退役证明", "Discharge certificate"),
    "proxy": ("委托书及代办人身份证", "Power of attorney and the proxy's ID card"),
}

CATEGORIES: dict[str, tuple[str, str]] = {
    "social_security": ("社会保险", "Social insurance"),
    "medical_insurance": ("医疗保险", "Medical insurance"),
    "employment": ("就业创业", "Jobs and business"),
    "elderly": ("为老服务", "Elderly services"),
    "civil": ("民政救助", "Civil affairs and assistance"),
    "disability": ("助残服务", "Disability services"),
    "family": ("婚育家庭", "Marriage, birth and family"),
    "residence": ("户籍居住", "Residence and registration"),
    "housing": ("住房保障", "Housing"),
    "health": ("卫生健康", "Health"),
    "veterans": ("退役军人", "Veterans"),
    "legal": ("法律服务", "Legal services"),
    "neighbourhood": ("邻里事务", "Neighbourhood matters"),
}

MODE_LETTERS = {"O": "on_site", "S": "self_service", "H": "help_you_do", "D": "door_to_door"}
HANDLING = {"spot": "on_the_spot", "pass": "passed_on", "path": "path_explained"}

# (code, name_zh, name_en, modes, documents, handling)
_ROWS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "social_security": [
        ("ss-card-application", "社保卡首次申领", "Social security card, first application", "OSH", "id_card photo form", "pass"),
        ("ss-card-replacement", "社保卡补换", "Social security card replacement", "OSH", "id_card photo", "pass"),
        ("ss-card-loss", "社保卡挂失", "Social security card, report a loss", "OSH", "id_card", "spot"),
        ("ss-record-print", "个人社保缴费记录打印", "Print of one's social insurance contributions", "OS", "id_card", "spot"),
        ("ss-flexible-registration", "灵活就业人员参保登记", "Social insurance for the self-employed, registration", "OSH", "id_card form", "pass"),
        ("ss-urban-resident-pension", "城乡居民养老保险参保登记", "Urban and rural residents' pension, enrolment", "OH", "id_card hukou form", "pass"),
        ("ss-pension-claim", "城乡居民养老金待遇申领", "Residents' pension, claim", "OHD", "id_card hukou bank_card form", "pass"),
        ("ss-pension-survival", "养老金领取资格认证", "Pensioner's proof of life", "OSHD", "id_card", "spot"),
        ("ss-survivor-benefit", "丧葬补助金、抚恤金申领", "Funeral grant and survivor's pension", "OH", "id_card death_cert hukou form", "pass"),
        ("ss-transfer", "养老保险关系转移", "Transfer of pension insurance", "OH", "id_card form", "pass"),
        ("ss-maternity-claim", "生育保险待遇申领", "Maternity insurance benefit claim", "OSH", "id_card birth_cert medical_record bank_card", "pass"),
        ("ss-unemployment-benefit", "失业保险金申领", "Unemployment benefit claim", "OH", "id_card ss_card form", "pass"),
        ("ss-injury-report", "工伤认定咨询受理", "Work injury, first filing", "O", "id_card medical_record labour_contract", "pass"),
        ("ss-info-change", "社保个人信息变更", "Change of social insurance details", "OS", "id_card", "spot"),
        ("ss-retirement-application", "退休手续办理预审", "Retirement formalities, pre-review", "OH", "id_card hukou labour_contract", "pass"),
    ],
    "medical_insurance": [
        ("medical-insurance-card-replacement", "医保卡补办", "Medical insurance card replacement", "OH", "id_card photo", "pass"),
        ("med-account-query", "医保账户查询", "Medical insurance account enquiry", "OS", "id_card", "spot"),
        ("med-resident-enrolment", "城乡居民医保参保登记", "Residents' medical insurance enrolment", "OSH", "id_card hukou form", "pass"),
        ("med-student-enrolment", "中小学生医保参保", "Medical insurance for pupils", "OSH", "hukou form", "pass"),
        ("med-newborn-enrolment", "新生儿医保参保登记", "Medical insurance for a newborn", "OSH", "birth_cert hukou form", "pass"),
        ("med-reimbursement", "医疗费用零星报销", "Reimbursement of medical bills", "OH", "id_card med_card medical_record bank_card", "pass"),
        ("med-chronic-registration", "门诊大病登记", "Registration for serious outpatient illness", "OH", "id_card medical_record form", "pass"),
        ("med-family-account", "医保账户家庭共济", "Family pooling of medical accounts", "OS", "id_card hukou", "spot"),
        ("med-out-of-town", "异地就医备案", "Registration for treatment outside Shanghai", "OSH", "id_card form", "spot"),
        ("med-assistance", "医疗救助申请", "Medical assistance application", "OHD", "id_card medical_record income form", "pass"),
        ("med-hospitalisation-fund", "综合减负申请", "Relief for heavy medical costs", "OH", "id_card medical_record income", "pass"),
        ("med-contribution-proof", "医保缴费证明打印", "Print of medical insurance contributions", "OS", "id_card", "spot"),
        ("med-supplementary", "职工医保补充参保", "Supplementary employee medical insurance", "OH", "id_card form", "pass"),
    ],
    "employment": [
        ("job-registration", "就业登记", "Employment registration", "OSH", "id_card labour_contract", "pass"),
        ("job-unemployment-registration", "失业登记", "Unemployment registration", "OSH", "id_card form", "pass"),
        ("job-seeker-help", "就业困难人员认定", "Recognition as a hard-to-employ job seeker", "OH", "id_card hukou form", "pass"),
        ("job-training-subsidy", "职业培训补贴申请", "Vocational training subsidy", "OSH", "id_card diploma form", "pass"),
        ("job-startup-subsidy", "创业补贴申请", "Business start-up subsidy", "OH", "id_card form", "pass"),
        ("job-startup-loan", "创业担保贷款申请", "Guaranteed start-up loan", "OH", "id_card form income", "pass"),
        ("job-flexible-subsidy", "灵活就业社保补贴", "Social insurance subsidy for flexible workers", "OH", "id_card form", "pass"),
        ("job-graduate-registration", "离校未就业高校毕业生登记", "Registration of graduates without a job", "OSH", "id_card diploma", "pass"),
        ("job-youth-internship", "青年见习报名", "Youth internship sign-up", "OSH", "id_card diploma", "pass"),
        ("job-employment-card", "就业失业登记证办理", "Employment and unemployment registration card", "OH", "id_card photo", "pass"),
        ("job-talent-residence", "人才引进落户咨询", "Talent hukou transfer, enquiry", "O", "id_card diploma labour_contract", "path"),
        ("job-skills-certificate", "职业技能等级证书查询", "Vocational skills certificate enquiry", "OS", "id_card", "spot"),
        ("job-leave-certificate", "退工登记", "Registration of leaving a job", "OH", "id_card labour_contract", "pass"),
    ],
    "elderly": [
        ("senior-card", "敬老卡申领", "Senior card application", "OH", "id_card photo", "spot"),
        ("senior-card-replacement", "敬老卡补换", "Senior card replacement", "OH", "id_card photo", "pass"),
        ("senior-allowance", "老年综合津贴申请", "Old-age allowance application", "OHD", "id_card bank_card", "pass"),
        ("long-term-care-insurance", "长期护理保险申请", "Long-term care insurance application", "OHD", "id_card med_card medical_record", "spot"),
        ("long-term-care-assessment", "老年照护统一需求评估", "Care needs assessment for elders", "OHD", "id_card medical_record form", "pass"),
        ("elderly-meal-subsidy", "老年助餐补贴申请", "Elderly meal subsidy application", "OHD", "id_card", "spot"),
        ("elderly-home-care", "居家养老服务补贴申请", "Home care subsidy", "OHD", "id_card income form", "pass"),
        ("elderly-day-care", "长者照护之家/日间照料申请", "Day care or respite for elders", "OHD", "id_card medical_record form", "pass"),
        ("elderly-nursing-home", "养老机构入住轮候登记", "Care home waiting list", "OH", "id_card hukou medical_record", "pass"),
        ("elderly-emergency-call", "独居老人紧急呼叫设备申请", "Emergency call device for elders living alone", "OHD", "id_card form", "pass"),
        ("elderly-home-adaptation", "适老化改造申请", "Home adaptation for elders", "OHD", "id_card lease form", "pass"),
        ("elderly-centenarian", "百岁老人长寿保健金", "Centenarians' longevity allowance", "OD", "id_card bank_card", "pass"),
        ("elderly-alone-registration", "纯老家庭/独居老人登记", "Registration of elders living alone", "OD", "id_card hukou", "spot"),
        ("elderly-smart-help", "老年人智能技术运用帮办", "Help with smartphones and apps for elders", "OHD", "id_card", "spot"),
        ("elderly-companion-visit", "老伙伴计划结对申请", "Old Companions pairing programme", "OD", "id_card", "pass"),
    ],
    "civil": [
        ("civil-minimum-income", "最低生活保障申请", "Minimum living allowance (dibao)", "OHD", "id_card hukou income form", "pass"),
        ("civil-low-income", "低收入困难家庭认定", "Recognition as a low-income household", "OHD", "id_card hukou income form", "pass"),
        ("civil-temporary-relief", "临时救助申请", "Temporary relief", "OHD", "id_card income form", "pass"),
        ("civil-hardship-relief", "特困人员供养申请", "Support for people in extreme hardship", "OHD", "id_card hukou income form", "pass"),
        ("civil-heating-subsidy", "帮困粮油卡申领", "Food-aid card for hard-up families", "OH", "id_card hukou", "pass"),
        ("civil-charity-help", "慈善帮扶申请", "Charity support", "OHD", "id_card income form", "pass"),
        ("civil-funeral-subsidy", "基本殡葬服务费用减免", "Waiver of basic funeral costs", "OH", "id_card death_cert hukou", "pass"),
        ("civil-relief-certificate", "救助证明开具", "Certificate of assistance received", "OS", "id_card", "spot"),
        ("civil-volunteer-registration", "志愿者注册", "Volunteer registration", "OSH", "id_card", "spot"),
        ("civil-social-org", "社区社会组织备案", "Registration of a community group", "O", "id_card form", "pass"),
        ("civil-children-in-difficulty", "困境儿童基本生活保障", "Support for children in difficulty", "OHD", "hukou income form", "pass"),
        ("civil-student-aid", "助学帮困申请", "Study aid for hard-up families", "OH", "hukou income form", "pass"),
        ("civil-marriage-registration", "婚姻登记预约", "Marriage registration, appointment", "OH", "id_card hukou photo", "path"),
    ],
    "disability": [
        ("disability-certificate", "残疾人证申领", "Disability certificate application", "OHD", "id_card hukou photo medical_record", "pass"),
        ("disability-certificate-renewal", "残疾人证换领", "Disability certificate renewal", "OHD", "id_card disability_cert photo", "pass"),
        ("disability-living-allowance", "困难残疾人生活补贴", "Living allowance for disabled people in hardship", "OHD", "id_card disability_cert income", "pass"),
        ("disability-care-allowance", "重度残疾人护理补贴", "Care allowance for severe disability", "OHD", "id_card disability_cert", "pass"),
        ("disability-aids", "辅助器具申请", "Assistive devices", "OHD", "id_card disability_cert form", "pass"),
        ("disability-rehab", "残疾人康复服务申请", "Rehabilitation services", "OHD", "id_card disability_cert medical_record", "pass"),
        ("disability-employment", "残疾人就业服务登记", "Job services for disabled people", "OH", "id_card disability_cert", "pass"),
        ("disability-transport", "残疾人交通补贴", "Transport allowance for disabled people", "OH", "id_card disability_cert bank_card", "pass"),
        ("disability-home-adaptation", "残疾人家庭无障碍改造", "Barrier-free home adaptation", "OHD", "id_card disability_cert lease", "pass"),
        ("disability-education-aid", "残疾学生助学补贴", "Study aid for disabled students", "OH", "disability_cert hukou form", "pass"),
    ],
    "family": [
        ("family-birth-registration", "生育登记", "Birth registration (family planning)", "OSH", "id_card marriage hukou", "spot"),
        ("family-only-child-certificate", "独生子女父母光荣证", "Certificate for parents of an only child", "OH", "id_card marriage hukou", "pass"),
        ("family-only-child-award", "独生子女父母奖励费申领", "Reward for parents of an only child", "OH", "id_card hukou bank_card", "pass"),
        ("family-special-support", "计划生育特别扶助", "Special support for family-planning families", "OHD", "id_card hukou death_cert", "pass"),
        ("family-marriage-proof", "婚育情况证明", "Statement of marriage and births", "OS", "id_card hukou", "spot"),
        ("family-childcare-subsidy", "托育服务补贴", "Childcare subsidy", "OSH", "hukou birth_cert form", "pass"),
        ("family-newborn-package", "新生儿出生一件事", "Newborn 'one thing' package", "OSH", "id_card marriage birth_cert", "pass"),
        ("family-maternal-health", "孕产妇健康管理建册", "Maternal health record", "OH", "id_card marriage", "path"),
        ("family-mediation", "家庭矛盾调解", "Family mediation", "OD", "id_card", "pass"),
        ("family-child-vaccination", "儿童预防接种咨询", "Child vaccination enquiry", "O", "birth_cert", "path"),
    ],
    "residence": [
        ("residence-certificate", "居住证明开具", "Certificate of residence", "OS", "id_card lease", "spot"),
        ("residence-permit-application", "居住证办理", "Residence permit application", "OH", "id_card lease photo labour_contract", "pass"),
        ("residence-permit-renewal", "居住证续签", "Residence permit renewal", "OSH", "id_card residence_permit", "pass"),
        ("residence-permit-points", "居住证积分申请", "Residence permit points application", "OH", "id_card residence_permit diploma labour_contract", "pass"),
        ("residence-registration", "来沪人员居住登记", "Registration of residence for newcomers", "OSH", "id_card lease", "spot"),
        ("residence-hukou-move", "户口迁移咨询", "Hukou transfer, enquiry", "O", "id_card hukou", "path"),
        ("residence-household-split", "分户咨询", "Splitting a household register, enquiry", "O", "id_card hukou", "path"),
        ("residence-id-card", "居民身份证申领预约", "Identity card application, appointment", "OH", "hukou photo", "path"),
        ("residence-rental-registration", "房屋租赁登记备案", "Registration of a tenancy", "OH", "id_card lease", "pass"),
        ("residence-address-proof", "门牌地址证明", "Proof of street address", "OS", "id_card lease", "spot"),
        ("residence-foreigner-registration", "境外人员住宿登记", "Accommodation registration of foreign residents", "OSH", "lease form", "pass"),
    ],
    "housing": [
        ("housing-public-rental", "公共租赁住房申请", "Public rental housing", "OH", "id_card hukou income lease", "pass"),
        ("housing-low-rent", "廉租住房申请", "Low-rent housing", "OHD", "id_card hukou income", "pass"),
        ("housing-rent-subsidy", "租金补贴申请", "Rent subsidy", "OH", "id_card income lease", "pass"),
        ("housing-provident-fund", "住房公积金提取咨询", "Housing provident fund withdrawal, enquiry", "OS", "id_card", "path"),
        ("housing-repair-fund", "维修资金使用咨询", "Building repair fund, enquiry", "O", "id_card lease", "path"),
        ("housing-old-estate-renovation", "旧住房综合改造意见登记", "Old-estate renovation, residents' views", "OD", "id_card", "pass"),
        ("housing-lift-installation", "既有多层住宅加装电梯咨询", "Adding a lift to an old block, enquiry", "OD", "id_card lease", "pass"),
        ("housing-gas-safety", "燃气安全隐患排查预约", "Gas safety check, appointment", "OD", "id_card", "pass"),
        ("housing-fire-safety", "居民家庭消防设施申领", "Home fire safety kit", "OD", "id_card", "spot"),
        ("housing-ownership-proof", "住房状况证明", "Statement of housing situation", "OS", "id_card hukou", "pass"),
    ],
    "health": [
        ("health-family-doctor", "家庭医生签约", "Family doctor sign-up", "OSHD", "id_card med_card", "pass"),
        ("health-elderly-checkup", "老年人免费体检预约", "Free health check for elders, appointment", "OHD", "id_card med_card", "spot"),
        ("health-chronic-followup", "慢病随访登记", "Chronic illness follow-up", "OD", "id_card med_card medical_record", "pass"),
        ("health-cancer-screening", "社区大肠癌筛查", "Community bowel cancer screening", "OH", "id_card med_card", "pass"),
        ("health-mental-support", "心理健康咨询预约", "Mental health counselling, appointment", "OD", "id_card", "pass"),
        ("health-home-bed", "家庭病床申请", "Home hospital bed", "OHD", "id_card med_card medical_record", "pass"),
        ("health-vaccination-adult", "成人疫苗接种预约", "Adult vaccination, appointment", "OSH", "id_card", "path"),
        ("health-medical-escort", "就医陪诊帮办", "Escort to hospital appointments", "OHD", "id_card med_card", "pass"),
        ("health-medicine-delivery", "长处方药品配送", "Delivery of long prescriptions", "OHD", "med_card medical_record", "pass"),
        ("health-first-aid-training", "急救培训报名", "First-aid training sign-up", "OS", "id_card", "spot"),
        ("health-disease-insurance", "沪惠保参保帮办", "Huhuibao health cover, help to enrol", "OSH", "id_card med_card", "spot"),
    ],
    "veterans": [
        ("veteran-registration", "退役军人信息采集", "Veterans' information record", "OH", "id_card veteran_cert", "spot"),
        ("veteran-preferential-card", "退役军人优待证申领", "Veterans' preferential treatment card", "OH", "id_card veteran_cert photo", "pass"),
        ("veteran-pension", "优抚对象抚恤补助", "Pension for entitled veterans' families", "OHD", "id_card veteran_cert bank_card", "pass"),
        ("veteran-employment", "退役军人就业创业服务", "Job and business help for veterans", "OH", "id_card veteran_cert", "pass"),
        ("veteran-glory-plaque", "光荣之家牌匾悬挂", "'Glory family' plaque", "OD", "veteran_cert", "spot"),
        ("veteran-hardship-help", "困难退役军人帮扶", "Help for veterans in hardship", "OHD", "id_card veteran_cert income", "pass"),
        ("veteran-medical-aid", "优抚对象医疗补助", "Medical aid for entitled veterans", "OH", "id_card veteran_cert medical_record", "pass"),
        ("veteran-burial", "烈士褒扬与安葬咨询", "Martyrs' honours and burial, enquiry", "O", "id_card", "path"),
    ],
    "legal": [
        ("legal-aid", "法律援助申请", "Legal aid application", "OH", "id_card income form", "path"),
        ("legal-mediation", "人民调解申请", "People's mediation", "OD", "id_card", "pass"),
        ("legal-notary-help", "公证事项帮办预约", "Notary matters, help with an appointment", "OH", "id_card hukou", "path"),
        ("legal-will-consult", "遗嘱与继承咨询", "Wills and inheritance, enquiry", "O", "id_card", "path"),
        ("legal-labour-dispute", "劳动争议调解", "Labour dispute mediation", "OH", "id_card labour_contract", "pass"),
        ("legal-tenancy-dispute", "租赁纠纷调解", "Tenancy dispute mediation", "OD", "id_card lease", "pass"),
        ("legal-elder-rights", "老年人权益维护", "Elders' rights protection", "OHD", "id_card", "pass"),
        ("legal-community-lawyer", "社区律师预约", "Community lawyer, appointment", "OS", "id_card", "spot"),
        ("legal-anti-fraud", "防诈骗咨询", "Fraud prevention advice", "OSD", "id_card", "spot"),
    ],
    "neighbourhood": [
        ("nb-ebike-charging-point", "非机动车充电设施申请", "E-bike charging point request", "O", "id_card lease", "pass"),
        ("nb-parking-permit", "小区停车证办理", "Estate parking permit", "OH", "id_card lease", "pass"),
        ("nb-renovation-notice", "房屋装修登记", "Registration of home renovation works", "OS", "id_card lease form", "spot"),
        ("nb-waste-bulky", "大件垃圾清运预约", "Bulky waste collection, appointment", "OSD", "id_card", "pass"),
        ("nb-room-booking", "活动室使用预约", "Community room booking", "OS", "id_card", "spot"),
        ("nb-pet-registration", "犬只登记咨询", "Dog registration, enquiry", "O", "id_card", "path"),
        ("nb-community-proof", "社区服务时长证明", "Proof of community service hours", "OS", "id_card", "spot"),
        ("nb-stairway-project", "美丽楼道项目报名", "'Beautiful stairway' project sign-up", "OD", "id_card", "pass"),
        ("nb-talent-registration", "社区达人登记", "Community talent registration", "OS", "id_card", "spot"),
        ("nb-lost-found", "失物招领登记", "Lost and found", "O", "id_card", "spot"),
    ],
}

NOT_PREREVIEWABLE = {
    "job-talent-residence", "residence-hukou-move", "residence-household-split", "veteran-burial",
    "legal-will-consult", "nb-lost-found", "nb-pet-registration", "family-child-vaccination",
}

# problems residents report: each opens a case of ``case_category`` (Open311 "services")
REPORT_ITEMS: list[dict[str, Any]] = [
    {"code": "report-facilities", "name_zh": "公共设施损坏", "name_en": "Broken shared facilities",
     "case_category": "facilities", "keywords": "路灯,楼道灯,门禁,电梯,lights,lift"},
    {"code": "report-environment", "name_zh": "环境卫生问题", "name_en": "Cleanliness and rubbish",
     "case_category": "environment", "keywords": "垃圾,卫生,waste,rubbish"},
    {"code": "report-ebike-charging", "name_zh": "非机动车停放与充电隐患", "name_en": "E-bike parking and charging hazards",
     "case_category": "safety", "keywords": "电瓶车,充电,飞线,e-bike,charging"},
    {"code": "report-parking", "name_zh": "机动车停放难", "name_en": "Car parking problems",
     "case_category": "parking", "keywords": "停车,parking"},
    {"code": "report-property-service", "name_zh": "物业服务问题", "name_en": "Property management not doing its job",
     "case_category": "property", "keywords": "物业,保洁,保安,property"},
    {"code": "report-noise", "name_zh": "噪声扰民", "name_en": "Noise nuisance",
     "case_category": "neighbourhood", "keywords": "噪音,noise"},
    {"code": "report-food-safety", "name_zh": "食品安全问题", "name_en": "Food safety concern",
     "case_category": "food_safety", "keywords": "食堂,食品,food"},
]


def builtin_items() -> list[dict[str, Any]]:
    """Every built-in item as the hook returns it."""
    items: list[dict[str, Any]] = []
    for category, rows in _ROWS.items():
        for code, name_zh, name_en, modes, documents, handling in rows:
            items.append({
                "code": code, "name_zh": name_zh, "name_en": name_en, "category": category,
                "modes": [MODE_LETTERS[letter] for letter in modes],
                "online_prereview": code not in NOT_PREREVIEWABLE,
                "documents": documents.split(), "handling": HANDLING[handling],
            })
    for report in REPORT_ITEMS:
        items.append({**report, "category": "neighbourhood", "modes": ["on_site", "self_service"],
                      "online_prereview": False, "handling": "passed_on", "accepts_reports": True})
    return items
