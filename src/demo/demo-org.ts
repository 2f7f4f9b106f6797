// The demo organisation: a general manager, department managers and account managers, with
// Chinese and English names, so every screen has something real-looking to show.

export interface DemoPerson {
  employeeNo: string;
  name: string;
  email: string;
  role: 'manager' | 'account_manager';
  department: string;
  /** employeeNo of the manager, null for the general manager. */
  manager: string | null;
  hireDate: string;
}

const DEPARTMENTS = [
  { no: 'M002', name: '李娜', email: 'na.li', department: '华东销售部 East China Sales' },
  { no: 'M003', name: 'David Miller', email: 'david.miller', department: '华北销售部 North China Sales' },
  { no: 'M004', name: '陈静', email: 'jing.chen', department: '大客户部 Key Accounts' },
  { no: 'M005', name: 'Sarah Johnson', email: 'sarah.johnson', department: '华南销售部 South China Sales' },
];

const ACCOUNT_MANAGERS: [string, string][] = [
  ['王伟', 'wei.wang'],
  ['Emily Chen', 'emily.chen'],
  ['刘洋', 'yang.liu'],
  ['张敏', 'min.zhang'],
  ['Michael Brown', 'michael.brown'],
  ['杨帆', 'fan.yang'],
  ['赵磊', 'lei.zhao'],
  ['Jessica Wu', 'jessica.wu'],
  ['黄丽', 'li.huang'],
  ['周杰', 'jie.zhou'],
  ['Daniel Lee', 'daniel.lee'],
  ['吴芳', 'fang.wu'],
  ['徐强', 'qiang.xu'],
  ['孙悦', 'yue.sun'],
  ['Olivia Zhang', 'olivia.zhang'],
  ['马超', 'chao.ma'],
  ['朱婷', 'ting.zhu'],
  ['胡军', 'jun.hu'],
  ['Kevin Wang', 'kevin.wang'],
  ['郭晓', 'xiao.guo'],
  ['林琳', 'lin.lin'],
  ['何平', 'ping.he'],
  ['Grace Liu', 'grace.liu'],
  ['高峰', 'feng.gao'],
  ['罗欣', 'xin.luo'],
];

export function demoOrganisation(): DemoPerson[] {
  const people: DemoPerson[] = [
    {
      employeeNo: 'M001',
      name: '张建国',
      email: 'jianguo.zhang@example.com',
      role: 'manager',
      department: '总经理办公室 General Management',
      manager: null,
      hireDate: '2012-04-01',
    },
  ];
  DEPARTMENTS.forEach((d, i) =>
    people.push({
      employeeNo: d.no,
      name: d.name,
      email: `${d.email}@example.com`,
      role: 'manager',
      department: d.department,
      manager: 'M001',
      hireDate: `201${5 + i}-0${i + 2}-15`,
    }),
  );
  ACCOUNT_MANAGERS.forEach(([name, email], i) => {
    const dept = DEPARTMENTS[i % DEPARTMENTS.length];
    people.push({
      employeeNo: `A${String(i + 1).padStart(3, '0')}`,
      name,
      email: `${email}@example.com`,
      role: 'account_manager',
      department: dept.department,
      manager: dept.no,
      hireDate: `20${String(16 + (i % 9)).padStart(2, '0')}-${String((i % 12) + 1).padStart(2, '0')}-01`,
    });
  });
  return people;
}

/** Small deterministic PRNG so the demo looks the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const STRENGTHS = [
  '客户沟通主动，需求把握准确。Proactive with customers and quick to grasp their needs.',
  'Consistently hit the quarterly pipeline targets; trusted by key customers.',
  '团队协作好，乐于分享经验。Works well with the team and shares know-how.',
];
export const CHALLENGES = [
  '新客户开发节奏偏慢，需要更系统的拜访计划。New-customer acquisition is slow; needs a more systematic visit plan.',
  'Market competition in the region intensified; pricing pressure on renewals.',
  '大客户需求变化快，方案响应需要更及时。Key customers change needs quickly; responses must be faster.',
];
export const PLANS = [
  '参加高级谈判技巧培训；每月复盘一次大客户拜访。Attend advanced negotiation training; review key-account visits monthly.',
  'Shadow a senior key-account manager for one quarter; take over two strategic accounts.',
  '制定个人职业发展计划，目标下一年度晋升为高级客户经理。Career plan: aim for senior account manager next year.',
];

/** One demo user per role; the passwords are public on purpose and exist only in demo mode. */
export const DEMO_USERS: { email: string; role: 'admin' | 'hr' | 'manager' | 'employee'; password: string; employeeNo: string | null; note?: string }[] = [
  { email: 'admin@scorecard.demo', role: 'admin', password: 'demo-2026-alpha', employeeNo: null },
  { email: 'hr@scorecard.demo', role: 'hr', password: 'demo-hr-2026', employeeNo: null },
  { email: 'manager@scorecard.demo', role: 'manager', password: 'demo-2026-charlie', employeeNo: 'M002', note: '李娜, East China Sales' },
  { email: 'employee@scorecard.demo', role: 'employee', password: 'demo-2026-delta', employeeNo: 'A001', note: '王伟' },
];
